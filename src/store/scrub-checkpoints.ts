// Where the scrubber is in each volume of one folder, kept in `<dir>/scrub.checkpoints.json`,
// so a restart resumes a pass instead of starting over. Written whole to a temporary file and
// renamed over the old one: a crash leaves the old or the new checkpoints, never a torn file.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.ts';

export const CHECKPOINT_FILE = 'scrub.checkpoints.json';
/** One entry per volume of the folder; a folder holds far fewer volumes than this. */
const MAX_ENTRIES = 100_000;

export interface ScrubCheckpoint {
  /** The next record to check; the first record's offset starts a pass. */
  offsetBytes: number;
  /** The volume's compaction revision when the pass began: a vacuum since moves every offset. */
  compactionRevision: number;
  passStartedAtMs: number;
  /** When the last whole pass ended; 0 before the first. */
  lastPassCompletedAtMs: number;
}

export class ScrubCheckpoints {
  private entries = new Map<number, ScrubCheckpoint>();
  private readonly file: string;
  /** Saves run one after another, each writing the latest entries. */
  private saving: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.file = path.join(dir, CHECKPOINT_FILE);
  }

  async load(log: Logger): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as { volumes?: Record<string, ScrubCheckpoint> };
      for (const [id, entry] of Object.entries(parsed.volumes ?? {})) {
        if (this.entries.size >= MAX_ENTRIES) break;
        if (typeof entry?.offsetBytes === 'number' && typeof entry.lastPassCompletedAtMs === 'number')
          this.entries.set(Number(id), entry);
      }
    } catch (err) {
      // A damaged checkpoint file costs a fresh pass, nothing more.
      log.warn(`scrubber: ignoring ${this.file}: ${(err as Error).message}`);
    }
  }

  get(volumeId: number): ScrubCheckpoint | undefined {
    const entry = this.entries.get(volumeId);
    return entry === undefined ? undefined : { ...entry };
  }

  set(volumeId: number, checkpoint: ScrubCheckpoint): void {
    if (!this.entries.has(volumeId) && this.entries.size >= MAX_ENTRIES)
      throw new RangeError(`at most ${MAX_ENTRIES} scrub checkpoints per folder`);
    this.entries.set(volumeId, { ...checkpoint });
  }

  /** Forgets volumes no longer in the folder. */
  retain(volumeIds: ReadonlySet<number>): void {
    for (const id of this.entries.keys()) if (!volumeIds.has(id)) this.entries.delete(id);
  }

  save(): Promise<void> {
    const write = async (): Promise<void> => {
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, JSON.stringify({ volumes: Object.fromEntries(this.entries) }));
      await rename(tmp, this.file);
    };
    // A failed save does not stop the next one from trying.
    this.saving = this.saving.then(write, write);
    return this.saving;
  }
}
