// What the simulator knows each needle may hold. Every write and delete is recorded with its
// outcome: acknowledged, failed, or in flight when the process died. An acknowledged operation
// becomes durable when an fsync covers it: its own (a write with fsync=true syncs `.dat`, then
// `.idx`, before it is acknowledged, and that covers every operation acknowledged before it
// began), a Volume.sync(), or a vacuum commit (the compacted copy is synced before the swap).
// Each key's history starts from a durable baseline: what the last reload showed.
//
// The values a key may show:
// - while the volume runs: the last acknowledged operation's, or that of any later one that
//   failed (a failure may have landed whole: its error says only that it was not acknowledged);
// - after a crash and reload: the last durable operation's, or that of any later operation.
// So an acknowledged durable write reads back byte-identical (until a later operation of its
// key), an unacknowledged one is absent or whole, and a durable delete stays deleted.
import { assert } from '../../src/storage/types.ts';

export type NeedleValue = { kind: 'live'; cookie: number; data: Buffer } | { kind: 'absent' };

export const ABSENT: NeedleValue = { kind: 'absent' };

type Outcome = 'in-flight' | 'acked' | 'failed';

interface OpRecord {
  key: bigint;
  value: NeedleValue;
  outcome: Outcome;
  durable: boolean;
  beganAt: number;
  ackedAt: number;
  label: string;
}

/** Keys a seed may touch: a bound on the model's size and the check's cost. */
export const MAX_MODEL_KEYS = 4096;

export class VolumeModel {
  private readonly baseline = new Map<bigint, NeedleValue>();
  private readonly history = new Map<bigint, OpRecord[]>();
  private clock = 0;

  keys(): bigint[] {
    const all = new Set<bigint>([...this.baseline.keys(), ...this.history.keys()]);
    return [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  begin(key: bigint, value: NeedleValue, label: string): OpRecord {
    assert(this.history.size <= MAX_MODEL_KEYS, `at most ${MAX_MODEL_KEYS} keys in the model`);
    const op: OpRecord = { key, value, outcome: 'in-flight', durable: false, beganAt: ++this.clock, ackedAt: 0, label };
    const ops = this.history.get(key) ?? [];
    ops.push(op);
    this.history.set(key, ops);
    return op;
  }

  ack(op: OpRecord): void {
    assert(op.outcome === 'in-flight', 'an operation settles once');
    op.outcome = 'acked';
    op.ackedAt = ++this.clock;
  }

  fail(op: OpRecord): void {
    assert(op.outcome === 'in-flight', 'an operation settles once');
    op.outcome = 'failed';
  }

  /** A write acknowledged after its own fsync: it, and all acknowledged before it began, are durable. */
  ackDurable(op: OpRecord): void {
    this.ack(op);
    op.durable = true;
    this.markDurable(op.beganAt);
  }

  /** A sync or vacuum commit that succeeded, begun at `beganAt` (from now()): all acknowledged before it are durable. */
  syncPoint(beganAt: number): void {
    this.markDurable(beganAt);
  }

  now(): number {
    return ++this.clock;
  }

  private markDurable(before: number): void {
    for (const ops of this.history.values())
      for (const op of ops) if (op.outcome === 'acked' && op.ackedAt < before) op.durable = true;
  }

  /** Values a read may return while the volume runs. */
  allowedNow(key: bigint): NeedleValue[] {
    const ops = this.history.get(key) ?? [];
    let from = -1;
    for (let i = ops.length - 1; i >= 0; i--)
      if ((ops[i] as OpRecord).outcome === 'acked') {
        from = i;
        break;
      }
    const values = from < 0 ? [this.baseline.get(key) ?? ABSENT] : [];
    for (const op of ops.slice(Math.max(0, from))) values.push(op.value);
    return values;
  }

  /** Values a read may return after a crash and reload. */
  allowedAfterCrash(key: bigint): NeedleValue[] {
    const ops = this.history.get(key) ?? [];
    let from = -1;
    for (let i = ops.length - 1; i >= 0; i--)
      if ((ops[i] as OpRecord).durable) {
        from = i;
        break;
      }
    const values = from < 0 ? [this.baseline.get(key) ?? ABSENT] : [];
    for (const op of ops.slice(Math.max(0, from))) values.push(op.value);
    return values;
  }

  /** After a reload was checked: what it showed is each key's new durable baseline. */
  rebase(observed: Map<bigint, NeedleValue>): void {
    this.history.clear();
    this.baseline.clear();
    for (const [key, value] of observed) if (value.kind === 'live') this.baseline.set(key, value);
  }

  /** The key's history, for a failing seed's report. */
  describe(key: bigint): string {
    const base = this.baseline.get(key) ?? ABSENT;
    const ops = (this.history.get(key) ?? []).map(
      (op) => `${op.label}=${describeValue(op.value)}:${op.outcome}${op.durable ? ',durable' : ''}`,
    );
    return [`baseline=${describeValue(base)}`, ...ops].join(' ');
  }
}

export function sameValue(a: NeedleValue, b: NeedleValue): boolean {
  if (a.kind === 'absent' || b.kind === 'absent') return a.kind === b.kind;
  return a.cookie === b.cookie && a.data.equals(b.data);
}

export function describeValue(v: NeedleValue): string {
  if (v.kind === 'absent') return 'absent';
  return `${v.data.length}B/${v.data.subarray(0, 4).toString('hex')}`;
}
