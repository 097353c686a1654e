// What a test expects of a failed RPC, for assert.rejects: the status details (and the code,
// when it matters) the server sent.
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';

/** A validator for assert.rejects: details match `details`, and the code is `code` when given. */
export function grpcFailure(details: RegExp, code?: grpc.status): (err: unknown) => true {
  return (err) => {
    const failure = err as Partial<grpc.ServiceError>;
    if (code !== undefined) assert.equal(failure.code, code, failure.details);
    assert.match(failure.details ?? (err as Error).message, details);
    return true;
  };
}
