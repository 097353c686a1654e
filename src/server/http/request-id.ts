// `x-amz-request-id` as Go generates it: uppercase hex Unix nanoseconds, then 8 random hex digits.
import { randomBytes } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-amz-request-id';

const startNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export function newRequestId(): string {
  const nowNs = startNs + process.hrtime.bigint();
  return nowNs.toString(16).toUpperCase() + randomBytes(4).toString('hex').toUpperCase();
}
