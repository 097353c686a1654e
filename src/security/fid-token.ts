// Minting a write token for one fid, as upstream's security.GenJwtForVolumeServer does: an
// HS256 JWT whose claims are the fid and an expiry. The server mints one when it sends a delete
// again later, since the client's own token has expired by then.
import { createHmac } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export function mintFidToken(
  key: string,
  fid: string,
  expiresAfterSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const claims = Buffer.from(JSON.stringify({ exp: nowSeconds + expiresAfterSeconds, fid })).toString('base64url');
  const signature = createHmac('sha256', key).update(`${HEADER}.${claims}`).digest('base64url');
  return `${HEADER}.${claims}.${signature}`;
}
