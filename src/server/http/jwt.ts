// Volume-server JWTs as upstream checks them: HMAC-signed tokens whose `fid` claim must equal the
// file id in the URL; `exp`/`nbf` enforced when present. Write key for POST/PUT/DELETE, read key
// for GET/HEAD; an empty key turns the check off.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';

const HMAC_ALGORITHMS: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
/** Tokens are small; anything longer is refused before decoding. */
const MAX_TOKEN_BYTES = 8 * 1024;

export interface JwtKeys {
  writeKey: string;
  readKey: string;
}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/** True when `token` is an HMAC JWT signed with `key`, unexpired, whose fid claim is `expectedFid`. */
export function verifyFidToken(
  token: string,
  key: string,
  expectedFid: string,
  nowSeconds = Date.now() / 1000,
): boolean {
  if (token.length === 0 || token.length > MAX_TOKEN_BYTES) return false;
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: { fid?: unknown; exp?: unknown; nbf?: unknown };
  try {
    header = decodeSegment(headerPart) as { alg?: unknown };
    claims = decodeSegment(payloadPart) as { fid?: unknown; exp?: unknown; nbf?: unknown };
  } catch {
    return false;
  }
  if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) return false;
  const hash = typeof header.alg === 'string' ? HMAC_ALGORITHMS[header.alg] : undefined;
  if (hash === undefined) return false;
  const expected = createHmac(hash, key).update(`${headerPart}.${payloadPart}`).digest();
  const actual = Buffer.from(signaturePart, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return false;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || nowSeconds >= claims.exp)) return false;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || nowSeconds < claims.nbf)) return false;
  return claims.fid === expectedFid;
}

function cookieValue(header: string | undefined, name: string): string {
  if (header === undefined) return '';
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return '';
}

/** Upstream's precedence: query `jwt`, then `Authorization: Bearer …`, then cookie `AT`; the first non-empty wins. */
export function tokenFromRequest(c: Context): string {
  const fromQuery = c.req.query('jwt') ?? '';
  if (fromQuery !== '') return fromQuery;
  const bearer = c.req.header('authorization') ?? '';
  if (bearer.length > 7 && bearer.slice(0, 6).toUpperCase() === 'BEARER') return bearer.slice(7);
  return cookieValue(c.req.header('cookie'), 'AT');
}

/** The fid a token must name: `<vid>,<fid>` as in the URL, without a `_<n>` suffix. */
export function expectedFid(vidText: string, fidText: string): string {
  const underscore = fidText.lastIndexOf('_');
  return `${vidText},${underscore > 0 ? fidText.slice(0, underscore) : fidText}`;
}

export function jwtAuthorizer(keys: JwtKeys) {
  return (c: Context, request: { vidText: string; fidText: string; isWrite: boolean }): boolean => {
    const key = request.isWrite ? keys.writeKey : keys.readKey;
    if (key === '') return true;
    return verifyFidToken(tokenFromRequest(c), key, expectedFid(request.vidText, request.fidText));
  };
}
