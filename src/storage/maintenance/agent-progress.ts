// Progress of one maintenance agent run: what it has scanned, out of how much, how fast, and
// when it should end. The agent updates it as it goes; anyone may take a snapshot at any time
// (a plain copy: taking one changes nothing). Time comes from an injected clock.
import { progressFigures } from '../../status/service-status.ts';

export type AgentPhase =
  | 'waiting'
  | 'reading-index'
  | 'scanning'
  | 'checking'
  | 'writing'
  | 'done'
  | 'failed'
  | 'aborted';

export interface ProgressSnapshot {
  phase: AgentPhase;
  entriesScanned: number;
  bytesScanned: number;
  /** Bytes the run will scan in all; 0 until known. */
  totalBytes: number;
  startedAtMs: number;
  updatedAtMs: number;
  /** Set once the run ended, whatever the outcome. */
  finishedAtMs: number | null;
  /** Bytes per second since the start; 0 before any time has passed. */
  rateBytesPerSecond: number;
  /** Milliseconds until `totalBytes` at the current rate; null when it cannot be told. */
  etaMs: number | null;
}

export class AgentProgress {
  private phase: AgentPhase = 'waiting';
  private entries = 0;
  private bytes = 0;
  private total = 0;
  private readonly startedAtMs: number;
  private updatedAtMs: number;
  private finishedAtMs: number | null = null;

  constructor(private readonly nowMs: () => number = Date.now) {
    this.startedAtMs = nowMs();
    this.updatedAtMs = this.startedAtMs;
  }

  enter(phase: AgentPhase, totalBytes?: number): void {
    this.phase = phase;
    if (totalBytes !== undefined) this.total = totalBytes;
    this.updatedAtMs = this.nowMs();
  }

  advance(entries: number, bytes: number): void {
    this.entries += entries;
    this.bytes += bytes;
    this.updatedAtMs = this.nowMs();
  }

  finish(phase: 'done' | 'failed' | 'aborted'): void {
    this.phase = phase;
    this.finishedAtMs = this.nowMs();
    this.updatedAtMs = this.finishedAtMs;
  }

  snapshot(): ProgressSnapshot {
    const endMs = this.finishedAtMs ?? this.updatedAtMs;
    const figures = progressFigures(this.bytes, this.total, endMs - this.startedAtMs, this.finishedAtMs !== null);
    return {
      phase: this.phase,
      entriesScanned: this.entries,
      bytesScanned: this.bytes,
      totalBytes: this.total,
      startedAtMs: this.startedAtMs,
      updatedAtMs: this.updatedAtMs,
      finishedAtMs: this.finishedAtMs,
      rateBytesPerSecond: figures.rateBytesPerSecond,
      etaMs: figures.etaMs,
    };
  }
}
