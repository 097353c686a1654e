// `Seaweed-*` request headers stored on a needle as a JSON map (prefix stripped), and sent back
// as plain headers on reads.
import { goJsonStringMap } from '../../gocompat/go-json.ts';
import { headerValue, trySetHeader } from './responses.ts';
import type { Logger } from '../../log/logger.ts';

const PAIR_PREFIX = 'Seaweed-';
/** Go stores the pairs only when their JSON is shorter than this. */
export const MAX_PAIRS_JSON_BYTES = 65_536;
/** Headers a pair must not set: they would break the framing of our own response. */
const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
]);

/** textproto.CanonicalMIMEHeaderKey for a valid token: "seaweed-foo-bar" → "Seaweed-Foo-Bar". */
export function canonicalHeaderKey(key: string): string {
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** The pairs of an upload, keyed by stripped canonical name; values as text (UTF-8 decoded). */
export function pairsFromHeaders(headers: Pick<Headers, 'forEach'>): Map<string, string> {
  const pairs = new Map<string, string>();
  headers.forEach((value, key) => {
    // Canonical "Seaweed-…" implies this prefix in any case: skip the other headers cheaply.
    if (key.length <= PAIR_PREFIX.length || key.slice(0, PAIR_PREFIX.length).toLowerCase() !== 'seaweed-') return;
    const canonical = canonicalHeaderKey(key);
    if (!canonical.startsWith(PAIR_PREFIX)) return;
    pairs.set(canonical.slice(PAIR_PREFIX.length), Buffer.from(value, 'latin1').toString('utf8'));
  });
  return pairs;
}

/** JSON bytes to store, or undefined when there are none or they are too large. */
export function encodePairs(pairs: ReadonlyMap<string, string>): Buffer | undefined {
  if (pairs.size === 0) return undefined;
  const json = Buffer.from(goJsonStringMap(pairs), 'utf8');
  return json.length < MAX_PAIRS_JSON_BYTES ? json : undefined;
}

/** Sets each stored pair as a response header; unreadable JSON sets nothing (Go logs and goes on). */
export function applyPairs(headers: Headers, stored: Uint8Array, log: Logger): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(stored).toString('utf8'));
  } catch (err) {
    log.warn(`unmarshal pairs error: ${(err as Error).message}`);
    return;
  }
  if (parsed === null || typeof parsed !== 'object') return;
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string' || FRAMING_HEADERS.has(key.toLowerCase())) continue;
    trySetHeader(headers, key, headerValue(value));
  }
}
