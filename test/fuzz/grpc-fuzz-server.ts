// An in-process gRPC VolumeServer for fuzzing: a protected volume 7 (collection "keep") holding
// known needles, a scratch volume 9 the fuzzer may change or destroy, and raw-byte calls so that
// undecodable messages reach the server too. Caller-named peers are refused (the SSRF guard is
// on), so no fuzzed message dials another process on this machine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { volumeServerService } from '../../src/proto/loader.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { NeedleFlag, newNeedle } from '../../src/storage/needle/needle.ts';
import { testGrpcContext } from '../support/grpc-test-context.ts';
import { closableScope } from '../support/suite-scope.ts';

export const PROTECTED_VOLUME_ID = 7;
export const PROTECTED_COLLECTION = 'keep';
export const SCRATCH_VOLUME_ID = 9;
const KNOWN_NEEDLES = 8;
/** Past this a call must have ended with a status: the deadline plus time to deliver it. */
const STATUS_GRACE_MS = 3_000;
/** Messages of a server stream kept per call (the rest are read and dropped). */
const MAX_KEPT_MESSAGES = 64;

export interface CallOutcome {
  code: grpc.status;
  details: string;
  messages: number;
}

export interface GrpcFuzzServer {
  /** Calls `method` with raw request bytes (one per message of a client stream). */
  call(method: string, requests: Buffer[], deadlineMs: number): Promise<CallOutcome>;
  /** Throws when a known needle of the protected volume changed or the server stopped answering. */
  checkIntact(): Promise<void>;
  /** Undoes what earlier inputs may have done (maintenance mode, the scratch volume gone), so later inputs reach the handlers. */
  restore(): Promise<void>;
  methods: string[];
  close(): Promise<void>;
}

const identity = (b: Buffer): Buffer => b;

export async function startGrpcFuzzServer(): Promise<GrpcFuzzServer> {
  const scope = closableScope();
  // Caller-named peers are refused: no fuzzed message may dial another process on this machine.
  const ctx = { ...(await testGrpcContext(scope, 'needlework-grpc-fuzz-')), allowUntrustedRemoteEndpoints: false };
  const { store, state } = ctx;
  const server = await startGrpcServer(ctx, '127.0.0.1', 0);

  const kept = await store.allocateVolume({
    volumeId: PROTECTED_VOLUME_ID,
    collection: PROTECTED_COLLECTION,
    replication: '000',
    ttl: '',
    diskType: '',
    version: 3,
  });
  const scratch = await store.allocateVolume({
    volumeId: SCRATCH_VOLUME_ID,
    collection: '',
    replication: '000',
    ttl: '',
    diskType: '',
    version: 3,
  });
  const known: Array<{ id: bigint; data: Buffer; cookie: number }> = [];
  for (let i = 1; i <= KNOWN_NEEDLES; i++) {
    const data = randomBytes(i * 97);
    const needle = newNeedle({
      id: BigInt(i),
      cookie: 0x5566_7788,
      data,
      name: Buffer.from(`k${i}`),
      flags: NeedleFlag.HasName,
    });
    await kept.write(needle, { fsync: false });
    known.push({ id: BigInt(i), data, cookie: 0x5566_7788 });
  }
  const fillScratch = async (volume: typeof scratch): Promise<void> => {
    for (const k of known)
      await volume.write(newNeedle({ id: k.id, cookie: k.cookie, data: k.data }), { fsync: false });
  };
  await fillScratch(scratch);

  const service = volumeServerService();
  const client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  const methods = Object.keys(service);

  const call = (method: string, requests: Buffer[], deadlineMs: number): Promise<CallOutcome> => {
    const definition = (service as unknown as Record<string, grpc.MethodDefinition<Buffer, Buffer>>)[method];
    assert.ok(definition, `no method ${method}`);
    const options: grpc.CallOptions = { deadline: Date.now() + deadlineMs };
    const done = new Promise<CallOutcome>((resolve) => {
      let messages = 0;
      const finish = (err: grpc.ServiceError | null): void =>
        resolve({ code: err === null ? grpc.status.OK : err.code, details: err?.details ?? '', messages });
      if (!definition.requestStream && !definition.responseStream) {
        client.makeUnaryRequest(
          definition.path,
          identity,
          identity,
          requests[0] ?? Buffer.alloc(0),
          new grpc.Metadata(),
          options,
          (err) => {
            messages = err === null ? 1 : 0;
            finish(err);
          },
        );
      } else if (!definition.requestStream) {
        const stream = client.makeServerStreamRequest(
          definition.path,
          identity,
          identity,
          requests[0] ?? Buffer.alloc(0),
          new grpc.Metadata(),
          options,
        );
        stream.on('data', () => {
          messages = Math.min(messages + 1, MAX_KEPT_MESSAGES);
        });
        stream.on('error', (err: grpc.ServiceError) => finish(err));
        stream.on('end', () => finish(null));
      } else {
        const stream = client.makeClientStreamRequest(
          definition.path,
          identity,
          identity,
          new grpc.Metadata(),
          options,
          (err) => finish(err),
        );
        for (const r of requests) stream.write(r);
        stream.end();
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${method}: no status ${deadlineMs + STATUS_GRACE_MS} ms after the call (deadline ${deadlineMs} ms)`,
            ),
          ),
        deadlineMs + STATUS_GRACE_MS,
      );
    });
    return Promise.race([done, hang]).finally(() => clearTimeout(timer));
  };

  return {
    call,
    methods,
    async checkIntact() {
      const v = store.findVolume(PROTECTED_VOLUME_ID);
      assert.ok(v, 'the protected volume is gone');
      for (const k of known) {
        const n = await v.read(k.id);
        assert.ok(
          Buffer.from(n.data).equals(k.data) && n.cookie === k.cookie,
          `needle ${k.id} of the protected volume changed`,
        );
      }
      const status = await call('VolumeServerStatus', [Buffer.alloc(0)], 5_000);
      assert.equal(status.code, grpc.status.OK, `VolumeServerStatus answered ${status.code} ${status.details}`);
    },
    async restore() {
      if (state.current.maintenance) await state.set({ maintenance: false, version: state.current.version });
      if (store.findVolume(SCRATCH_VOLUME_ID) !== undefined) return;
      // Unmounted: mount it again; deleted (or turned into EC shards): allocate a fresh one.
      try {
        await store.mountVolume(SCRATCH_VOLUME_ID);
        return;
      } catch {
        // not on disk any more
      }
      try {
        await fillScratch(
          await store.allocateVolume({
            volumeId: SCRATCH_VOLUME_ID,
            collection: '',
            replication: '000',
            ttl: '',
            diskType: '',
            version: 3,
          }),
        );
      } catch {
        // EC shards of it are mounted: the EC RPCs get their turn instead.
      }
    },
    async close() {
      client.close();
      await server.close();
      await scope.close();
    },
  };
}
