// `x-amz-request-id` as Go generates it: uppercase hex Unix nanoseconds, then 8 random hex digits.
import { randomBytes } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-amz-request-id';

const startNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

// Random bytes are drawn from a pool refilled in bulk: one syscall per 1024 ids, not per request.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

export function newRequestId(): string {
  const nowNs = startNs + process.hrtime.bigint();
  if (poolOffset + 4 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const random = pool.toString('hex', poolOffset, poolOffset + 4).toUpperCase();
  poolOffset += 4;
  return nowNs.toString(16).toUpperCase() + random;
}
