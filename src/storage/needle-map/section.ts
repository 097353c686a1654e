// A section: up to SECTION_MAX_ENTRIES entries sorted by key, packed into two typed arrays.
// Keys are split into blocks of BLOCK_ENTRIES; each block stores its first key in full and every
// key as a little-endian delta from it, in the fewest bytes the block's span needs (1 or 2 for
// sequential ids, 5 to 7 for random ones). Values are 4-byte offset units and 4-byte sizes, plus
// one byte of offset per entry only when some offset needs more than 32 bits (5-byte builds).
// Keys are immutable once built; values change in place (overwrite, delete).
import { assert as assertImported } from '../types.ts';

// A module-local copy: under the TS loader the server runs with, each use of an imported binding
// is a getter call, as costly as the work around it on hot paths.
const assert: (condition: unknown, message: string) => asserts condition = assertImported;

export const SECTION_MAX_ENTRIES = 8192;
const BLOCK_SHIFT = 6;
export const BLOCK_ENTRIES = 1 << BLOCK_SHIFT;
const BLOCK_MASK = BLOCK_ENTRIES - 1;
/** Per block: base key high, base key low, (key byte position << 4) | delta width in bytes. */
const HEADER_WORDS = 3;
const TWO_POW_32 = 2 ** 32;
/** Bytes V8 spends on a typed array, its buffer and the owning object beyond their contents. */
export const OBJECT_OVERHEAD_BYTES = 400;

/** Where decodeKey writes, so hot paths allocate nothing. */
export const decoded = { hi: 0, lo: 0 };

export function keyLess(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo);
}

/** Reads `count` (0..4) little-endian bytes as an unsigned number. */
function readLe(bytes: Uint8Array, at: number, count: number): number {
  switch (count) {
    case 0:
      return 0;
    case 1:
      return bytes[at] as number;
    case 2:
      return (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
    case 3:
      return (bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16);
    default:
      return (
        ((bytes[at] as number) |
          ((bytes[at + 1] as number) << 8) |
          ((bytes[at + 2] as number) << 16) |
          ((bytes[at + 3] as number) << 24)) >>>
        0
      );
  }
}

/** Writes the low `count` (0..4) bytes of a u32, little-endian. */
function writeLe(bytes: Uint8Array, at: number, count: number, value: number): void {
  for (let k = 0; k < count; k++) {
    bytes[at + k] = value & 0xff;
    value >>>= 8;
  }
}

/** Bytes needed for a u32 (0 for 0). */
function bytesFor(value: number): number {
  return value === 0 ? 0 : value < 0x100 ? 1 : value < 0x1_0000 ? 2 : value < 0x100_0000 ? 3 : 4;
}

/** Splits offset units into (low u32, high byte) without a division in the common case. */
function offsetHigh(offsetUnits: number): number {
  return offsetUnits < TWO_POW_32 ? 0 : Math.floor(offsetUnits / TWO_POW_32);
}

/** A section's arrays and entry count: structured-clone friendly, the arrays transferable. */
export interface SectionImage {
  count: number;
  words: Uint32Array;
  keyBytes: Uint8Array;
  offsetHi: Uint8Array | null;
}

/** A builder's staged entries (arrays of its whole capacity, `count` used). */
export interface SectionBuilderImage {
  count: number;
  highOffsets: boolean;
  keyHi: Uint32Array;
  keyLo: Uint32Array;
  offsetLo: Uint32Array;
  offsetHi: Uint8Array;
  sizes: Int32Array;
}

export class Section {
  readonly blockCount: number;
  /** Block headers, then per entry [offset units low 32 bits, size as u32]. */
  readonly words: Uint32Array;
  readonly keyBytes: Uint8Array;
  /** Offset units above 32 bits, one byte per entry; null when all offsets fit in 32 bits. */
  offsetHi: Uint8Array | null;
  readonly valuesAt: number;
  readonly lastHi: number;
  readonly lastLo: number;

  constructor(
    readonly count: number,
    words: Uint32Array,
    keyBytes: Uint8Array,
    offsetHi: Uint8Array | null,
  ) {
    this.blockCount = (count + BLOCK_MASK) >>> BLOCK_SHIFT;
    this.words = words;
    this.keyBytes = keyBytes;
    this.offsetHi = offsetHi;
    this.valuesAt = this.blockCount * HEADER_WORDS;
    assert(words.length === this.valuesAt + 2 * count, 'section word count');
    this.decodeKey(count - 1);
    this.lastHi = decoded.hi;
    this.lastLo = decoded.lo;
  }

  /** The arrays that make the section, for handing a loaded map from a worker thread (fromImage). */
  image(): SectionImage {
    return { count: this.count, words: this.words, keyBytes: this.keyBytes, offsetHi: this.offsetHi };
  }

  static fromImage(image: SectionImage): Section {
    return new Section(image.count, image.words, image.keyBytes, image.offsetHi);
  }

  get firstHi(): number {
    return this.words[0] as number;
  }

  get firstLo(): number {
    return this.words[1] as number;
  }

  get footprintBytes(): number {
    return this.words.byteLength + this.keyBytes.byteLength + (this.offsetHi?.byteLength ?? 0) + OBJECT_OVERHEAD_BYTES;
  }

  /** Writes entry i's key into `decoded`. */
  decodeKey(i: number): void {
    const header = ((i >>> BLOCK_SHIFT) * HEADER_WORDS) | 0;
    const words = this.words;
    const packed = words[header + 2] as number;
    const width = packed & 15;
    const at = (packed >>> 4) + (i & BLOCK_MASK) * width;
    const lowWidth = Math.min(width, 4);
    const deltaLo = readLe(this.keyBytes, at, lowWidth);
    const deltaHi = width > 4 ? readLe(this.keyBytes, at + 4, width - 4) : 0;
    const lo = (words[header + 1] as number) + deltaLo;
    const carry = lo >= TWO_POW_32 ? 1 : 0;
    decoded.lo = carry === 1 ? lo - TWO_POW_32 : lo;
    decoded.hi = (words[header] as number) + deltaHi + carry;
  }

  /** The entry index holding the key, or −1. */
  indexOf(hi: number, lo: number): number {
    const words = this.words;
    if (keyLess(hi, lo, words[0] as number, words[1] as number) || keyLess(this.lastHi, this.lastLo, hi, lo)) return -1;
    // The last block whose base key is <= the key.
    let low = 0;
    let high = this.blockCount - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      const h = mid * HEADER_WORDS;
      if (keyLess(hi, lo, words[h] as number, words[h + 1] as number)) high = mid - 1;
      else low = mid;
    }
    const header = low * HEADER_WORDS;
    let deltaLo = lo - (words[header + 1] as number);
    let deltaHi = hi - (words[header] as number);
    if (deltaLo < 0) {
      deltaLo += TWO_POW_32;
      deltaHi--;
    }
    const packed = words[header + 2] as number;
    const width = packed & 15;
    const lowWidth = Math.min(width, 4);
    if (width <= 4 && deltaHi !== 0) return -1;
    const first = low << BLOCK_SHIFT;
    let a = 0;
    let b = Math.min(BLOCK_ENTRIES, this.count - first) - 1;
    const bytes = this.keyBytes;
    const base = packed >>> 4;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const at = base + mid * width;
      const eLo = readLe(bytes, at, lowWidth);
      const eHi = width > 4 ? readLe(bytes, at + 4, width - 4) : 0;
      if (eHi === deltaHi && eLo === deltaLo) return first + mid;
      if (eHi < deltaHi || (eHi === deltaHi && eLo < deltaLo)) a = mid + 1;
      else b = mid - 1;
    }
    return -1;
  }

  offsetAt(i: number): number {
    const low = this.words[this.valuesAt + 2 * i] as number;
    return this.offsetHi === null ? low : low + (this.offsetHi[i] as number) * TWO_POW_32;
  }

  sizeAt(i: number): number {
    return (this.words[this.valuesAt + 2 * i + 1] as number) | 0;
  }

  setValue(i: number, offsetUnits: number, size: number): void {
    const at = this.valuesAt + 2 * i;
    const high = offsetHigh(offsetUnits);
    this.words[at] = offsetUnits - high * TWO_POW_32;
    this.words[at + 1] = size >>> 0;
    if (high !== 0 && this.offsetHi === null) this.offsetHi = new Uint8Array(this.count);
    if (this.offsetHi !== null) this.offsetHi[i] = high;
  }

  setSize(i: number, size: number): void {
    this.words[this.valuesAt + 2 * i + 1] = size >>> 0;
  }
}

/**
 * Collects entries in increasing key order in fixed staging arrays and packs them into a Section.
 * The map's append tail is one of these, so appends cost a few array stores.
 */
export class SectionBuilder {
  // Staging starts small and doubles up to a full section: a server may hold many tiny volumes.
  private capacity: number;
  private keyHi: Uint32Array;
  private keyLo: Uint32Array;
  private offsetLo: Uint32Array;
  private offsetHi: Uint8Array;
  private sizes: Int32Array;
  private highOffsets = false;
  count = 0;

  constructor(initialCapacity = BLOCK_ENTRIES) {
    this.capacity = Math.min(SECTION_MAX_ENTRIES, Math.max(BLOCK_ENTRIES, initialCapacity));
    this.keyHi = new Uint32Array(this.capacity);
    this.keyLo = new Uint32Array(this.capacity);
    this.offsetLo = new Uint32Array(this.capacity);
    this.offsetHi = new Uint8Array(this.capacity);
    this.sizes = new Int32Array(this.capacity);
  }

  get footprintBytes(): number {
    return this.capacity * 17 + 5 * OBJECT_OVERHEAD_BYTES;
  }

  /** The staged entries, for handing a loaded map from a worker thread (fromImage takes the arrays over). */
  image(): SectionBuilderImage {
    const { count, highOffsets, keyHi, keyLo, offsetLo, offsetHi, sizes } = this;
    return { count, highOffsets, keyHi, keyLo, offsetLo, offsetHi, sizes };
  }

  static fromImage(image: SectionBuilderImage): SectionBuilder {
    const capacity = image.keyHi.length;
    assert(
      [image.keyLo, image.offsetLo, image.offsetHi, image.sizes].every((a) => a.length === capacity),
      'builder image arrays of one capacity',
    );
    assert(image.count <= capacity && capacity <= SECTION_MAX_ENTRIES, 'builder image count within capacity');
    const builder = new SectionBuilder(0);
    builder.capacity = capacity;
    builder.keyHi = image.keyHi;
    builder.keyLo = image.keyLo;
    builder.offsetLo = image.offsetLo;
    builder.offsetHi = image.offsetHi;
    builder.sizes = image.sizes;
    builder.highOffsets = image.highOffsets;
    builder.count = image.count;
    return builder;
  }

  private grow(): void {
    const capacity = Math.min(SECTION_MAX_ENTRIES, this.capacity * 2);
    const widen = <T extends Uint32Array | Uint8Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.keyHi = widen(this.keyHi, (n) => new Uint32Array(n));
    this.keyLo = widen(this.keyLo, (n) => new Uint32Array(n));
    this.offsetLo = widen(this.offsetLo, (n) => new Uint32Array(n));
    this.offsetHi = widen(this.offsetHi, (n) => new Uint8Array(n));
    this.sizes = widen(this.sizes, (n) => new Int32Array(n));
    this.capacity = capacity;
  }

  get full(): boolean {
    return this.count === SECTION_MAX_ENTRIES;
  }

  get firstHi(): number {
    return this.keyHi[0] as number;
  }

  get firstLo(): number {
    return this.keyLo[0] as number;
  }

  /** Appends a key greater than every key pushed since the last build. */
  push(hi: number, lo: number, offsetUnits: number, size: number): void {
    const i = this.count;
    assert(i < SECTION_MAX_ENTRIES, 'section builder overflow');
    if (i === this.capacity) this.grow();
    assert(
      i === 0 || keyLess(this.keyHi[i - 1] as number, this.keyLo[i - 1] as number, hi, lo),
      'section keys must increase',
    );
    this.keyHi[i] = hi;
    this.keyLo[i] = lo;
    this.setValue(i, offsetUnits, size);
    this.count = i + 1;
  }

  /** push() for callers that produce keys in order by construction (merges). */
  pushOrdered(hi: number, lo: number, offsetUnits: number, size: number): void {
    const i = this.count;
    if (i === this.capacity) this.grow();
    this.keyHi[i] = hi;
    this.keyLo[i] = lo;
    this.setValue(i, offsetUnits, size);
    this.count = i + 1;
  }

  /** The staged index holding the key, or −1. */
  indexOf(hi: number, lo: number): number {
    let a = 0;
    let b = this.count - 1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const mHi = this.keyHi[mid] as number;
      const mLo = this.keyLo[mid] as number;
      if (mHi === hi && mLo === lo) return mid;
      if (mHi < hi || (mHi === hi && mLo < lo)) a = mid + 1;
      else b = mid - 1;
    }
    return -1;
  }

  keyHiAt(i: number): number {
    return this.keyHi[i] as number;
  }

  keyLoAt(i: number): number {
    return this.keyLo[i] as number;
  }

  offsetAt(i: number): number {
    return (this.offsetLo[i] as number) + (this.offsetHi[i] as number) * TWO_POW_32;
  }

  sizeAt(i: number): number {
    return this.sizes[i] as number;
  }

  setValue(i: number, offsetUnits: number, size: number): void {
    const high = offsetHigh(offsetUnits);
    this.offsetLo[i] = offsetUnits - high * TWO_POW_32;
    this.offsetHi[i] = high;
    if (high !== 0) this.highOffsets = true;
    this.sizes[i] = size;
  }

  setSize(i: number, size: number): void {
    this.sizes[i] = size;
  }

  /** Packs the staged entries into exact-size arrays and empties the builder. */
  build(): Section {
    const count = this.count;
    assert(count > 0, 'empty section');
    const blockCount = (count + BLOCK_MASK) >>> BLOCK_SHIFT;
    const valuesAt = blockCount * HEADER_WORDS;
    const words = new Uint32Array(valuesAt + 2 * count);
    const widths = new Uint8Array(blockCount);
    let keyBytesTotal = 0;
    for (let b = 0; b < blockCount; b++) {
      const first = b << BLOCK_SHIFT;
      const last = Math.min(first + BLOCK_ENTRIES, count) - 1;
      // Sorted, so the block's last key has the largest delta.
      let spanLo = (this.keyLo[last] as number) - (this.keyLo[first] as number);
      let spanHi = (this.keyHi[last] as number) - (this.keyHi[first] as number);
      if (spanLo < 0) {
        spanLo += TWO_POW_32;
        spanHi--;
      }
      const width = spanHi > 0 ? 4 + bytesFor(spanHi) : bytesFor(spanLo);
      widths[b] = width;
      words[b * HEADER_WORDS] = this.keyHi[first] as number;
      words[b * HEADER_WORDS + 1] = this.keyLo[first] as number;
      words[b * HEADER_WORDS + 2] = (keyBytesTotal << 4) | width;
      keyBytesTotal += width * (last - first + 1);
    }
    assert(keyBytesTotal < 2 ** 28, 'section key bytes');
    const keyBytes = new Uint8Array(keyBytesTotal);
    for (let i = 0; i < count; i++) {
      const b = i >>> BLOCK_SHIFT;
      const width = widths[b] as number;
      const first = b << BLOCK_SHIFT;
      let deltaLo = (this.keyLo[i] as number) - (this.keyLo[first] as number);
      let deltaHi = (this.keyHi[i] as number) - (this.keyHi[first] as number);
      if (deltaLo < 0) {
        deltaLo += TWO_POW_32;
        deltaHi--;
      }
      const at = ((words[b * HEADER_WORDS + 2] as number) >>> 4) + (i - first) * width;
      writeLe(keyBytes, at, Math.min(width, 4), deltaLo);
      if (width > 4) writeLe(keyBytes, at + 4, width - 4, deltaHi);
      words[valuesAt + 2 * i] = this.offsetLo[i] as number;
      words[valuesAt + 2 * i + 1] = (this.sizes[i] as number) >>> 0;
    }
    const offsetHi = this.highOffsets ? this.offsetHi.slice(0, count) : null;
    this.count = 0;
    this.highOffsets = false;
    this.offsetHi.fill(0, 0, count);
    return new Section(count, words, keyBytes, offsetHi);
  }
}
