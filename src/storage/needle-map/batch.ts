// A batch of entries sorted by key, ready to merge into sections, and the sort that makes it.
// Both sources of out-of-order keys (the pending hash table and the load log) hand the merge
// one of these, so there is a single merge routine.
import { assert as assertImported } from '../types.ts';

// A module-local copy: under the TS loader the server runs with, each use of an imported binding
// is a getter call, as costly as the work around it on hot paths.
const assert: (condition: unknown, message: string) => asserts condition = assertImported;

/** 11-bit digits: six passes cover 64 bits, and the 2048 counters stay in L1. */
const DIGIT_BITS = 11;
const DIGIT_BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = DIGIT_BUCKETS - 1;
/** [word (0 = lo, 1 = hi), shift] for each pass, least significant first. */
const PASSES: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0, 11],
  [0, 22],
  [1, 0],
  [1, 11],
  [1, 22],
];

function bump(counts: Uint32Array, at: number): void {
  counts[at] = (counts[at] as number) + 1;
}

export interface SortedBatch {
  count: number;
  his: Uint32Array;
  los: Uint32Array;
  offsets: Float64Array;
  sizes: Int32Array;
  /**
   * false: entries are plain inserts of keys absent from the sections (pending table).
   * true: entries are `.idx` rows in row order among equal keys, applied with the load rule
   * (a row with an offset and a size >= 0 is a put, anything else a delete).
   */
  loadRows: boolean;
}

/**
 * Sorts (his, los) by key ascending, stably, carrying `order` along; returns the sorted arrays
 * (which may be the inputs or fresh ones). LSD radix sort: it reads and writes sequentially,
 * which beats a comparison sort on millions of keys, and its stability keeps rows of one key in
 * row order.
 */
export function sortByKey(
  n: number,
  his: Uint32Array,
  los: Uint32Array,
  order: Uint32Array,
): { his: Uint32Array; los: Uint32Array; order: Uint32Array } {
  assert(his.length >= n && los.length >= n && order.length >= n, 'sort arrays too short');
  if (n < 2) return { his, los, order };
  // One histogram per pass, all from one read of the keys.
  const counts = new Uint32Array(PASSES.length * DIGIT_BUCKETS);
  for (let i = 0; i < n; i++) {
    const lo = los[i] as number;
    const hi = his[i] as number;
    bump(counts, lo & DIGIT_MASK);
    bump(counts, DIGIT_BUCKETS + ((lo >>> 11) & DIGIT_MASK));
    bump(counts, 2 * DIGIT_BUCKETS + (lo >>> 22));
    bump(counts, 3 * DIGIT_BUCKETS + (hi & DIGIT_MASK));
    bump(counts, 4 * DIGIT_BUCKETS + ((hi >>> 11) & DIGIT_MASK));
    bump(counts, 5 * DIGIT_BUCKETS + (hi >>> 22));
  }
  let spareHis: Uint32Array = new Uint32Array(n);
  let spareLos: Uint32Array = new Uint32Array(n);
  let spareOrder: Uint32Array = new Uint32Array(n);
  for (let pass = 0; pass < PASSES.length; pass++) {
    const [word, shift] = PASSES[pass] as readonly [number, number];
    const base = pass * DIGIT_BUCKETS;
    const digits = word === 0 ? los : his;
    // Every key has the same digit here: the pass would not reorder anything.
    if (counts[base + (((digits[0] as number) >>> shift) & DIGIT_MASK)] === n) continue;
    let total = 0;
    for (let d = 0; d < DIGIT_BUCKETS; d++) {
      const c = counts[base + d] as number;
      counts[base + d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const d = base + (((digits[i] as number) >>> shift) & DIGIT_MASK);
      const to = counts[d] as number;
      counts[d] = to + 1;
      spareHis[to] = his[i] as number;
      spareLos[to] = los[i] as number;
      spareOrder[to] = order[i] as number;
    }
    [his, spareHis] = [spareHis, his];
    [los, spareLos] = [spareLos, los];
    [order, spareOrder] = [spareOrder, order];
  }
  return { his, los, order };
}
