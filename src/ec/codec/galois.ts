// GF(2^8) arithmetic and the small matrices of the Reed-Solomon code SeaweedFS uses
// (klauspost/reedsolomon defaults): reducing polynomial x^8+x^4+x^3+x^2+1 (0x11d), generator 2,
// encoding matrix = Vandermonde (V[r][c] = r^c) times the inverse of its top square.
// Addition is XOR; everything here is tiny (at most 256 x 256), so clarity beats speed except for
// the multiplication tables the kernels use.
import assert from 'node:assert/strict';

export const FIELD_POLYNOMIAL = 0x11d;
export const FIELD_SIZE = 256;

/** exp[i] = 2^i; doubled so exp[log a + log b] needs no modulo. */
const EXP = new Uint8Array(2 * FIELD_SIZE);
/** log[a] for a != 0; log[0] is unused. */
const LOG = new Uint8Array(FIELD_SIZE);

{
  let x = 1;
  for (let i = 0; i < FIELD_SIZE - 1; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= FIELD_POLYNOMIAL;
  }
  assert.equal(x, 1, 'generator 2 must have order 255');
  for (let i = FIELD_SIZE - 1; i < EXP.length; i++) EXP[i] = EXP[i - (FIELD_SIZE - 1)]!;
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

export function gfInverse(a: number): number {
  assert.ok(a > 0 && a < FIELD_SIZE, `no inverse of ${a} in GF(256)`);
  return EXP[FIELD_SIZE - 1 - LOG[a]!]!;
}

/** a^n with 0^0 = 1, as the Vandermonde matrix needs. */
export function gfPow(a: number, n: number): number {
  assert.ok(n >= 0);
  if (n === 0) return 1;
  if (a === 0) return 0;
  return EXP[(LOG[a]! * n) % (FIELD_SIZE - 1)]!;
}

/** MUL_TABLE[c * 256 + x] = c * x: the pure-JS kernel indexes one 256-byte row per coefficient. */
export const MUL_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(FIELD_SIZE * FIELD_SIZE);
  for (let c = 0; c < FIELD_SIZE; c++) {
    for (let x = 0; x < FIELD_SIZE; x++) table[c * FIELD_SIZE + x] = gfMul(c, x);
  }
  return table;
})();

export function mulTableRow(c: number): Uint8Array {
  assert.ok(c >= 0 && c < FIELD_SIZE);
  return MUL_TABLE.subarray(c * FIELD_SIZE, (c + 1) * FIELD_SIZE);
}

/**
 * The 32 bytes the SIMD kernel shuffles with: [c*0 .. c*15] then [c*0x00, c*0x10 .. c*0xf0], so
 * c*x = low[x & 15] ^ high[x >> 4] (multiplication distributes over XOR).
 */
export function writeNibbleTables(c: number, out: Uint8Array, offset: number): void {
  assert.ok(offset + 32 <= out.length);
  for (let x = 0; x < 16; x++) {
    out[offset + x] = gfMul(c, x);
    out[offset + 16 + x] = gfMul(c, x << 4);
  }
}

/** Row-major matrix over GF(256); rows are separate arrays so row subsets need no copying. */
export type GfMatrix = Uint8Array[];

export function matrixOf(rows: number, cols: number): GfMatrix {
  assert.ok(rows > 0 && cols > 0);
  return Array.from({ length: rows }, () => new Uint8Array(cols));
}

export function vandermonde(rows: number, cols: number): GfMatrix {
  const m = matrixOf(rows, cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) m[r]![c] = gfPow(r, c);
  }
  return m;
}

export function matrixMultiply(a: GfMatrix, b: GfMatrix): GfMatrix {
  const inner = b.length;
  assert.ok(a.length > 0 && a[0]!.length === inner, 'matrix shapes do not chain');
  const cols = b[0]!.length;
  const out = matrixOf(a.length, cols);
  for (let r = 0; r < a.length; r++) {
    const row = a[r]!;
    const target = out[r]!;
    for (let k = 0; k < inner; k++) {
      const coefficient = row[k]!;
      if (coefficient === 0) continue;
      const mul = mulTableRow(coefficient);
      const bRow = b[k]!;
      for (let c = 0; c < cols; c++) target[c]! ^= mul[bRow[c]!]!;
    }
  }
  return out;
}

/** Gauss-Jordan inverse of a square matrix; throws when it is singular. Does not modify `m`. */
export function matrixInvert(m: GfMatrix): GfMatrix {
  const n = m.length;
  assert.ok(n > 0 && m.every((row) => row.length === n), 'only square matrices invert');
  const work = m.map((row) => Uint8Array.from(row));
  const inverse = matrixOf(n, n);
  for (let i = 0; i < n; i++) inverse[i]![i] = 1;

  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && work[pivot]![col] === 0) pivot++;
    if (pivot === n) throw new Error('matrix is singular');
    if (pivot !== col) {
      [work[col], work[pivot]] = [work[pivot]!, work[col]!];
      [inverse[col], inverse[pivot]] = [inverse[pivot]!, inverse[col]!];
    }
    scaleRow(work[col]!, inverse[col]!, gfInverse(work[col]![col]!));
    for (let r = 0; r < n; r++) {
      const factor = work[r]![col]!;
      if (r === col || factor === 0) continue;
      addScaledRow(work[r]!, work[col]!, factor);
      addScaledRow(inverse[r]!, inverse[col]!, factor);
    }
  }
  return inverse;
}

function scaleRow(row: Uint8Array, companion: Uint8Array, factor: number): void {
  const mul = mulTableRow(factor);
  for (let c = 0; c < row.length; c++) {
    row[c] = mul[row[c]!]!;
    companion[c] = mul[companion[c]!]!;
  }
}

/** target += factor * source */
function addScaledRow(target: Uint8Array, source: Uint8Array, factor: number): void {
  const mul = mulTableRow(factor);
  for (let c = 0; c < target.length; c++) target[c]! ^= mul[source[c]!]!;
}

/**
 * The (data + parity) x data encoding matrix: Vandermonde times the inverse of its top square, so
 * the top is the identity (data shards stay as they are) and any `data` rows stay invertible.
 */
export function buildEncodingMatrix(dataShards: number, totalShards: number): GfMatrix {
  assert.ok(dataShards >= 1 && totalShards >= dataShards && totalShards <= FIELD_SIZE);
  const v = vandermonde(totalShards, dataShards);
  const encoding = matrixMultiply(v, matrixInvert(v.slice(0, dataShards)));
  for (let r = 0; r < dataShards; r++) {
    for (let c = 0; c < dataShards; c++)
      assert.equal(encoding[r]![c], r === c ? 1 : 0, 'top of the encoding matrix must be the identity');
  }
  return encoding;
}
