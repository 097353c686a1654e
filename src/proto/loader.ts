// Loads our proto definitions (proto/) into grpc-js service definitions, typed with the
// interfaces generated from the same files (src/proto/generated/, `npm run gen:proto`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as VolumeServerProto } from './generated/volume_server.ts';
import type { ProtoGrpcType as MasterProto } from './generated/master.ts';
import type { VolumeServerClient, VolumeServerDefinition } from './generated/volume_server_pb/VolumeServer.ts';
import type { SeaweedClient } from './generated/master_pb/Seaweed.ts';

// From the package's root (its self-reference), not this module's place: in the built server every
// module is inside one bundle.
const PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.resolve('needlework/package.json'))), 'proto');

/** The proto files we load (relative to proto/); the type generator reads the same list. */
export const PROTO_FILES = ['volume_server.proto', 'master.proto'] as const;

/**
 * How messages decode; the type generator derives its flags from this, so the generated types
 * match what handlers receive. 64-bit values exceed 2^53 (needle ids, since_ns = 2^64-1), so
 * longs travel as strings.
 */
export const PROTO_DECODING = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

const LOADER_OPTIONS: protoLoader.Options = { ...PROTO_DECODING, includeDirs: [PROTO_DIR] };

/** Upstream allows 1 GiB messages both ways (whole needles travel in one message). */
export const GRPC_MAX_MESSAGE_BYTES = 1 << 30;

export const GRPC_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
};

type LoadedProtos = VolumeServerProto & MasterProto;

let cached: LoadedProtos | null = null;

function load(): LoadedProtos {
  if (cached === null) {
    const definition = protoLoader.loadSync([...PROTO_FILES], LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(definition) as unknown as LoadedProtos;
  }
  return cached;
}

export type VolumeServerClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => VolumeServerClient;
export type MasterClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => SeaweedClient;

export function volumeServerService(): VolumeServerDefinition {
  return load().volume_server_pb.VolumeServer.service;
}

export function masterClientConstructor(): MasterClientConstructor {
  return load().master_pb.Seaweed;
}

export function volumeServerClientConstructor(): VolumeServerClientConstructor {
  return load().volume_server_pb.VolumeServer;
}
