// Piscina task module: one volume's `.idx` read and scanned into a needle map in a worker thread
// (see index-load-pool.ts); the map comes back as an image whose arrays are transferred.
//
// Loading: piscina tries require() before import(). Under `--import tsx` (npm test) a worker
// thread on Node 20 gets tsx's require hook but not its ESM hooks, so this module and everything
// it imports are compiled to CommonJS by tsx. Hence: no top-level await in this graph.
import { open } from 'node:fs/promises';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type IndexScanFacts, type IndexScanner, scanIndexFile } from './index-scan.ts';
import { type NeedleMapImage, imageTransferList } from './needle-map/needle-map.ts';
import type { NeedleVersion } from './needle/version.ts';
import type { OffsetWidth } from './types.ts';

export interface IndexLoadJob {
  path: string;
  /** Whole rows to read from the start of the file (the load has cut any torn last row). */
  idxSizeBytes: number;
  width: OffsetWidth;
  version: NeedleVersion;
  datSizeBytes: number;
}

export type IndexLoadOutcome =
  | { ok: true; image: NeedleMapImage; facts: IndexScanFacts }
  | { ok: false; message: string };

export default async function loadIndex(job: IndexLoadJob): Promise<IndexLoadOutcome> {
  try {
    const idx = await open(job.path, 'r');
    let scanner: IndexScanner;
    try {
      scanner = await scanIndexFile(idx, job.idxSizeBytes, job.width, job.version, job.datSizeBytes);
    } finally {
      await idx.close();
    }
    const image = scanner.map.image();
    const outcome: IndexLoadOutcome = { ok: true, image, facts: scanner.facts() };
    // The image's arrays move to the event loop's thread rather than being copied.
    return move({
      [transferableSymbol]: imageTransferList(image),
      [valueSymbol]: outcome,
    } as never) as unknown as IndexLoadOutcome;
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
