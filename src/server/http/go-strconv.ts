// Go's strconv parsing rules and error texts, which the volume server echoes in JSON errors.

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
  if (value >= 1n << BigInt(bitSize)) throw new GoParseError(`strconv.ParseUint: parsing ${goQuote(text)}: value out of range`);
  return value;
}

/** ParseUint that returns undefined instead of throwing, for optional parameters on hot paths. */
export function tryParseGoUint(text: string, base: 10 | 16, bitSize: 32 | 64): bigint | undefined {
  if (!(base === 10 ? DECIMAL.test(text) : HEX.test(text))) return undefined;
  const value = BigInt(base === 10 ? text : `0x${text}`);
  return value >= 1n << BigInt(bitSize) ? undefined : value;
}

/** strconv.ParseBool: undefined when Go would return an error. */
export function parseGoBool(text: string): boolean | undefined {
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
