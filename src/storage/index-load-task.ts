// Piscina task module: one volume's `.idx` read and scanned into a needle map in a worker thread
// (see index-load-pool.ts); the map comes back as an image whose arrays are transferred.
//
// Loading: piscina tries require() before import(). Under `--import tsx` (npm test) a worker
// thread on Node 20 gets tsx's require hook but not its ESM hooks, so this module and everything
// it imports are compiled to CommonJS by tsx. Hence: no top-level await in this graph.
import { closeSync, openSync, readSync } from 'node:fs';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type IndexScanFacts, IndexScanner } from './index-scan.ts';
import { type NeedleMapImage, imageTransferList } from './needle-map/needle-map.ts';
import type { NeedleVersion } from './needle/version.ts';
import { type OffsetWidth, indexEntrySizeBytes } from './types.ts';

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

/** Rows read per call: the same chunk the event-loop load reads. */
const CHUNK_ROWS = 1 << 20;

export default function loadIndex(job: IndexLoadJob): IndexLoadOutcome {
  try {
    const entrySize = indexEntrySizeBytes(job.width);
    const totalRows = job.idxSizeBytes / entrySize;
    const scanner = new IndexScanner(totalRows, job.width, job.version, job.datSizeBytes);
    const chunk = Buffer.allocUnsafe(Math.min(totalRows, CHUNK_ROWS) * entrySize);
    const fd = openSync(job.path, 'r');
    try {
      for (let at = 0; at < job.idxSizeBytes; ) {
        const want = Math.min(chunk.length, job.idxSizeBytes - at);
        const bytesRead = readSync(fd, chunk, 0, want, at);
        if (bytesRead !== want) throw new Error(`short read of .idx at ${at}`);
        scanner.scan(chunk.subarray(0, bytesRead));
        at += bytesRead;
      }
    } finally {
      closeSync(fd);
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
