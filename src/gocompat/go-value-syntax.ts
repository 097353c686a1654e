// Go's syntax for plain values, with its error texts, which both the command line and the HTTP
// API echo back: strconv's quoting and bool/int/uint parsing, and time.ParseDuration.
//
// The parseX functions throw a GoParseError carrying Go's message; the tryParseX ones return
// undefined instead, for optional parameters on hot paths.

/** strconv.Quote for the ASCII cases that matter here (JSON quoting is close enough otherwise). */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}

export class GoParseError extends Error {}

const DECIMAL = /^[0-9]+$/;
const HEX = /^[0-9a-fA-F]+$/;

/** strconv.ParseUint(text, base, bitSize) for base 10 or 16. */
export function parseGoUint(text: string, base: 10 | 16, bitSize: 32 | 64): bigint {
  const syntaxOk = base === 10 ? DECIMAL.test(text) : HEX.test(text);
  if (!syntaxOk) throw new GoParseError(`strconv.ParseUint: parsing ${goQuote(text)}: invalid syntax`);
  const value = BigInt(base === 10 ? text : `0x${text}`);
  if (value >= 1n << BigInt(bitSize))
    throw new GoParseError(`strconv.ParseUint: parsing ${goQuote(text)}: value out of range`);
  return value;
}

/** ParseUint that returns undefined instead of throwing, for optional parameters on hot paths. */
export function tryParseGoUint(text: string, base: 10 | 16, bitSize: 32 | 64): bigint | undefined {
  if (!(base === 10 ? DECIMAL.test(text) : HEX.test(text))) return undefined;
  const value = BigInt(base === 10 ? text : `0x${text}`);
  return value >= 1n << BigInt(bitSize) ? undefined : value;
}

/** strconv.ParseBool: undefined when Go would return an error. */
export function tryParseGoBool(text: string): boolean | undefined {
  switch (text) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

/** strconv.ParseBool, throwing Go's error. */
export function parseGoBool(text: string): boolean {
  const value = tryParseGoBool(text);
  if (value === undefined) throw new GoParseError(`strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`);
  return value;
}

const GO_INT_SYNTAX =
  /^[+-]?(?:0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[oO]_?[0-7]+(?:_[0-7]+)*|0[bB]_?[01]+(?:_[01]+)*|0(?:_?[0-7]+)*|[1-9](?:_?[0-9]+)*)$/;

/**
 * strconv.ParseInt(text, 0, 64) as Go's int flags use it: decimal, 0x hex, 0o / leading-0 octal,
 * 0b binary, optional sign, `_` between digits. Limited to safe JS integers.
 */
export function parseGoInt(text: string): number {
  if (!GO_INT_SYNTAX.test(text)) throw new GoParseError(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`);
  const negative = text.startsWith('-');
  let digits = text.replace(/^[+-]/, '').replaceAll('_', '');
  // BigInt understands 0x/0o/0b but not Go's legacy leading-zero octal.
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const magnitude = BigInt(digits);
  const value = negative ? -magnitude : magnitude;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new GoParseError(`strconv.ParseInt: parsing ${goQuote(text)}: value out of range`);
  }
  return Number(value);
}

const DURATION_UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // micro sign
  ['\u03bcs', 1_000n], // Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const MAX_DURATION_NS = (1n << 63n) - 1n;

/** time.ParseDuration (`1h30m`, `2s`, `500ms`, `1.5s`, `-3m`, `0`), returned in milliseconds. */
export function parseGoDurationMs(text: string): number {
  const invalid = (): Error => new GoParseError(`time: invalid duration ${goQuote(text)}`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  // Whole nanoseconds in BigInt, as Go's int64 does, so `1.1s` is exactly 1100 ms.
  let totalNs = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!; // always matches, possibly empty
    const whole = number[1] ?? '';
    const fractionDigits = number[2] ?? '';
    if (whole === '' && fractionDigits === '') throw invalid();
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '') throw new GoParseError(`time: missing unit in duration ${goQuote(text)}`);
    const unitNs = DURATION_UNIT_NS.get(unit);
    if (unitNs === undefined)
      throw new GoParseError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    rest = rest.slice(unit.length);
    totalNs +=
      BigInt(whole || '0') * unitNs + (BigInt(fractionDigits || '0') * unitNs) / 10n ** BigInt(fractionDigits.length);
    if (totalNs > MAX_DURATION_NS) throw invalid();
  }
  return totalNs === 0n ? 0 : (sign * Number(totalNs)) / 1e6;
}
