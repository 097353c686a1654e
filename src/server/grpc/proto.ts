// Loads our proto definitions (proto/) into grpc-js service definitions.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../proto');

/** 64-bit values exceed 2^53 (needle ids, since_ns = 2^64-1), so longs travel as strings. */
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** Upstream allows 1 GiB messages both ways (whole needles travel in one message). */
export const GRPC_MAX_MESSAGE_BYTES = 1 << 30;

export const GRPC_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
};

let cached: grpc.GrpcObject | null = null;

function load(): grpc.GrpcObject {
  if (cached === null) {
    const definition = protoLoader.loadSync(['volume_server.proto', 'master.proto'], LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(definition);
  }
  return cached;
}

export function volumeServerService(): grpc.ServiceDefinition {
  const pkg = load()['volume_server_pb'] as grpc.GrpcObject;
  return (pkg['VolumeServer'] as grpc.ServiceClientConstructor).service;
}

export function masterClientConstructor(): grpc.ServiceClientConstructor {
  const pkg = load()['master_pb'] as grpc.GrpcObject;
  return pkg['Seaweed'] as grpc.ServiceClientConstructor;
}

export function volumeServerClientConstructor(): grpc.ServiceClientConstructor {
  const pkg = load()['volume_server_pb'] as grpc.GrpcObject;
  return pkg['VolumeServer'] as grpc.ServiceClientConstructor;
}
