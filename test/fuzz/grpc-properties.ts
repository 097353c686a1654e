// Fuzzed calls to every VolumeServer RPC: messages generated from the proto schema (values biased
// to the volumes, shards and sizes that exist), and the same messages with bytes flipped, cut or
// inserted. Every call must end with a gRPC status by its deadline, the server must keep
// answering, and the protected volume's needles must stay as written.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import type { NamedProperty } from './fuzz-run.ts';
import {
  PROTECTED_COLLECTION,
  PROTECTED_VOLUME_ID,
  SCRATCH_VOLUME_ID,
  type GrpcFuzzServer,
  startGrpcFuzzServer,
} from './grpc-fuzz-server.ts';
import { mutatedBytes } from './http-input-arbitraries.ts';

const PROTO_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto/volume_server.proto');
/** A call's deadline: long enough for any RPC on a small volume, short enough to keep runs fast. */
const CALL_DEADLINE_MS = 4_000;
const MAX_DEPTH = 3;

/** RPCs that never change stored data: they may name the protected volume. */
const READ_ONLY = new Set([
  'VacuumVolumeCheck',
  'VolumeSyncStatus',
  'VolumeIncrementalCopy',
  'VolumeStatus',
  'GetState',
  'ReadVolumeFileStatus',
  'CopyFile',
  'ReadNeedleBlob',
  'ReadNeedleMeta',
  'ReadAllNeedles',
  'VolumeTailSender',
  'VolumeEcShardRead',
  'VolumeEcShardsInfo',
  'VolumeServerStatus',
  'ScrubVolume',
  'ScrubEcVolume',
  'Query',
  'VolumeNeedleStatus',
  // Vacuum keeps every live needle: running it on the protected volume is part of the check.
  'VacuumVolumeCompact',
  'VacuumVolumeCommit',
  'VacuumVolumeCleanup',
]);

const volumeIdArb = (protectedOk: boolean) =>
  fc.constantFrom(
    ...(protectedOk ? [PROTECTED_VOLUME_ID] : []),
    SCRATCH_VOLUME_ID,
    SCRATCH_VOLUME_ID,
    0,
    1,
    12,
    4294967295,
  );
const smallNumberArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 10, 13, 14),
  fc.nat({ max: 100_000 }),
  fc.constant(4294967295),
);
const stringArb = (protectedOk: boolean) =>
  fc.oneof(
    fc.constantFrom(
      '',
      ...(protectedOk ? [PROTECTED_COLLECTION] : []),
      'scratch',
      '.dat',
      '.idx',
      '.ecx',
      '.ec00',
      '.vif',
      '../x',
      'a/b',
      'local',
      's3.default',
      'replicate',
      'repair',
      'index',
      'full',
    ),
    fc.string({ unit: fc.constantFrom(...'abcxyz019._-/ '), maxLength: 12 }),
    fc.string({ maxLength: 8 }),
  );

function valueArb(
  root: protobuf.Root,
  field: protobuf.Field,
  protectedOk: boolean,
  depth: number,
): fc.Arbitrary<unknown> {
  const name = field.name;
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Enum) return fc.constantFrom(...Object.values(resolved.values));
  if (resolved instanceof protobuf.Type)
    return depth >= MAX_DEPTH ? fc.constant({}) : messageArb(root, resolved, protectedOk, depth + 1);
  switch (field.type) {
    case 'bool':
      return fc.boolean();
    case 'string':
      return stringArb(protectedOk);
    case 'bytes':
      return fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 4096 }));
    case 'double':
    case 'float':
      return fc.double({ noNaN: true });
    default:
      if (/volume_id|vid/.test(name)) return volumeIdArb(protectedOk);
      if (/shard_id/.test(name)) return fc.nat({ max: 40 });
      // Mostly short: a long idle timeout holds a tail stream open until the call's deadline.
      if (/timeout/.test(name))
        return fc.oneof(
          { weight: 9, arbitrary: fc.nat({ max: 2 }) },
          { weight: 1, arbitrary: fc.constant(4294967295) },
        );
      if (/needle_id|file_key|key/.test(name))
        return fc.oneof(fc.constantFrom(1, 2, 8, 9), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String));
      if (/int64|fixed64/.test(field.type))
        return fc.oneof(smallNumberArb, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String));
      if (field.type.startsWith('s') || field.type === 'int32') return fc.oneof(smallNumberArb, fc.integer());
      return smallNumberArb;
  }
}

function messageArb(
  root: protobuf.Root,
  type: protobuf.Type,
  protectedOk: boolean,
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    const one = valueArb(root, field, protectedOk, depth);
    fields[field.name] = field.repeated ? fc.array(one, { maxLength: 4 }) : field.map ? fc.constant({}) : one;
  }
  return fc.record(fields, { requiredKeys: [] });
}

/** Whether a decoded request names the protected volume or collection (or a peer address). */
function namesProtected(value: unknown, key = ''): boolean {
  if (Array.isArray(value)) return value.some((v) => namesProtected(v, key));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.entries(value).some(([k, v]) => namesProtected(v, k));
  }
  if (typeof value === 'string') {
    return (
      value.includes(PROTECTED_COLLECTION) ||
      new RegExp(`^\\s*${PROTECTED_VOLUME_ID}\\b`).test(value) ||
      (/volume_id|vid/.test(key) && Number(value) === PROTECTED_VOLUME_ID)
    );
  }
  if (typeof value === 'number') return /volume_id|vid/.test(key) && value === PROTECTED_VOLUME_ID;
  return false;
}

/** Whether a decoded request holds a host:port (Ping and peer copies would dial it). */
function namesAddress(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(namesAddress);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.values(value).some(namesAddress);
  return typeof value === 'string' && /:\d/.test(value);
}

interface Input {
  encoded: Buffer[];
  mutated: boolean;
}

function methodProperty(server: GrpcFuzzServer, root: protobuf.Root, method: protobuf.Method): NamedProperty {
  const requestType = root.lookupType(method.resolvedRequestType?.fullName ?? method.requestType);
  const protectedOk = READ_ONLY.has(method.name);
  const encode = (m: Record<string, unknown>): Buffer =>
    Buffer.from(requestType.encode(requestType.fromObject(m)).finish());
  const oneMessage = messageArb(root, requestType, protectedOk).map(encode);
  const messages: fc.Arbitrary<Input> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.array(oneMessage, { minLength: 1, maxLength: 3 }).map((encoded) => ({ encoded, mutated: false })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(mutatedBytes(oneMessage), { minLength: 1, maxLength: 2 })
        .map((encoded) => ({ encoded, mutated: true })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
          { minLength: 1, maxLength: 2 },
        )
        .map((encoded) => ({ encoded, mutated: true })),
    },
  );
  return {
    name: `grpc-${method.name}`,
    runsPerUnit: 0.004,
    stateful: true,
    property: fc.asyncProperty(messages, async (input) => {
      for (const bytes of input.encoded) {
        let decoded: unknown;
        try {
          decoded = requestType.toObject(requestType.decode(bytes), { longs: String, bytes: Buffer });
        } catch {
          decoded = undefined; // the server must refuse it too
        }
        // A changed byte can name the protected volume: such a message is not sent to a writer.
        if (decoded !== undefined && ((!protectedOk && namesProtected(decoded)) || namesAddress(decoded))) return;
      }
      const outcome = await server.call(method.name, input.encoded, CALL_DEADLINE_MS);
      if (typeof outcome.code !== 'number') throw new Error(`${method.name}: no gRPC status`);
      await server.checkIntact();
      await server.restore();
    }),
  };
}

/** One property per VolumeServer RPC, over one shared in-process server; close() stops it. */
export async function grpcProperties(): Promise<{ properties: NamedProperty[]; close(): Promise<void> }> {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.resolve(path.dirname(PROTO_FILE), path.basename(target));
  root.loadSync(PROTO_FILE, { keepCase: true });
  root.resolveAll();
  const service = root.lookupService('volume_server_pb.VolumeServer');
  const server = await startGrpcFuzzServer();
  const missing = server.methods.filter((m) => service.methods[m] === undefined);
  if (missing.length > 0) throw new Error(`RPCs without a schema: ${missing.join(', ')}`);
  return {
    properties: service.methodsArray.map((m) => methodProperty(server, root, m)),
    close: () => server.close(),
  };
}
