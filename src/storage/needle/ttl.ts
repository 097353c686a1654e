// Time-to-live as stored in super blocks and needles: two bytes, [count, unit].
import { StorageError } from '../errors.ts';

export const TtlUnit = {
  Empty: 0,
  Minute: 1,
  Hour: 2,
  Day: 3,
  Week: 4,
  Month: 5,
  Year: 6,
} as const;

const UNIT_SECONDS: readonly number[] = [0, 60, 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];
const UNIT_LETTERS: readonly string[] = ['', 'm', 'h', 'd', 'w', 'M', 'y'];

export interface Ttl {
  readonly count: number;
  readonly unit: number;
}

export const EMPTY_TTL: Ttl = Object.freeze({ count: 0, unit: 0 });

export function ttlFromBytes(bytes: Uint8Array, offset = 0): Ttl {
  const count = bytes[offset] ?? 0;
  const unit = bytes[offset + 1] ?? 0;
  if (count === 0 && unit === 0) return EMPTY_TTL;
  return { count, unit };
}

export function ttlToBytes(ttl: Ttl, out: Uint8Array, offset = 0): void {
  out[offset] = ttl.count;
  out[offset + 1] = ttl.unit;
}

/** Heartbeat form: count << 8 | unit, 0 when there is no TTL. */
export function ttlToUint32(ttl: Ttl): number {
  return ttl.count === 0 ? 0 : ((ttl.count << 8) | ttl.unit) >>> 0;
}

export function ttlFromUint32(value: number): Ttl {
  return ttlFromBytes(Uint8Array.of((value >>> 8) & 0xff, value & 0xff));
}

export function ttlSeconds(ttl: Ttl): number {
  return ttl.count * (UNIT_SECONDS[ttl.unit] ?? 0);
}

export function ttlMinutes(ttl: Ttl): number {
  return Math.floor(ttlSeconds(ttl) / 60);
}

export function isEmptyTtl(ttl: Ttl): boolean {
  return ttl.count === 0 || ttl.unit === TtlUnit.Empty;
}

export function ttlToString(ttl: Ttl): string {
  if (ttl.count === 0) return '';
  const letter = UNIT_LETTERS[ttl.unit];
  return letter === undefined || letter === '' ? '' : `${ttl.count}${letter}`;
}

/**
 * Parses "3m", "4h", "5d", "6w", "7M", "8y" or a bare minute count, then re-fits it to the
 * largest exact unit with a count below 256, as upstream's ReadTTL does. Unlike Go (which yields
 * an empty TTL) an unknown unit or a malformed count is an error.
 */
export function parseTtl(text: string): Ttl {
  if (text === '') return EMPTY_TTL;
  const last = text[text.length - 1] as string;
  let countText = text.slice(0, -1);
  let unit = UNIT_LETTERS.indexOf(last);
  if (last >= '0' && last <= '9') {
    countText = text;
    unit = TtlUnit.Minute;
  }
  if (unit <= 0 || !/^\d{1,10}$/.test(countText)) {
    throw new StorageError('invalid_ttl', `invalid ttl ${JSON.stringify(text)}`);
  }
  return fitTtl(Number(countText) * (UNIT_SECONDS[unit] as number));
}

function fitTtl(seconds: number): Ttl {
  if (seconds === 0) return EMPTY_TTL;
  for (const unit of [TtlUnit.Year, TtlUnit.Month, TtlUnit.Week, TtlUnit.Day, TtlUnit.Hour]) {
    const unitSeconds = UNIT_SECONDS[unit] as number;
    if (seconds % unitSeconds === 0 && seconds / unitSeconds < 256) return { count: seconds / unitSeconds, unit };
  }
  const lossyOrder = [TtlUnit.Minute, TtlUnit.Hour, TtlUnit.Day, TtlUnit.Week, TtlUnit.Month, TtlUnit.Year];
  for (const unit of lossyOrder) {
    const count = Math.floor(seconds / (UNIT_SECONDS[unit] as number));
    if (count < 256) return count === 0 ? EMPTY_TTL : { count, unit };
  }
  return EMPTY_TTL;
}
