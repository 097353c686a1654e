// Calls to peer volume servers (addressed `host:port.grpcPort`): file status and file copies,
// dialed with the process-wide gRPC credentials (mTLS when security.toml configures it).
// Clients are typed from proto/ (src/proto/generated/): call RPCs as methods, `client.VolumeStatus(...)`,
// or through `unaryCall(client, 'VolumeStatus', ...)`; either way a misspelled RPC or field fails
// to compile.
import { open } from 'node:fs/promises';
import type * as grpc from '@grpc/grpc-js';
import { toGrpcAddress } from './master-client.ts';
import { grpcClientCredentials } from '../security/grpc-credentials.ts';
import type { ClientRequestOf, ClientResponseOf, VolumeServerMethod } from '../proto/volume-server-methods.ts';
import type { VolumeServerClient, VolumeServerHandlers } from '../proto/generated/volume_server_pb/VolumeServer.ts';
import { GRPC_CHANNEL_OPTIONS, volumeServerClientConstructor } from '../proto/loader.ts';

/** A typed client of a peer's volume_server_pb.VolumeServer. */
export type VolumeServerPeer = VolumeServerClient;

/** The VolumeServer RPCs that take one request and answer one response. */
export type UnaryMethod = {
  // biome-ignore lint/suspicious/noExplicitAny: a type test for "is unary", whatever the message types.
  [K in VolumeServerMethod]: VolumeServerHandlers[K] extends grpc.handleUnaryCall<any, any> ? K : never;
}[VolumeServerMethod];

export function newPeerClient(address: string): VolumeServerPeer {
  const Client = volumeServerClientConstructor();
  return new Client(toGrpcAddress(address), grpcClientCredentials(), GRPC_CHANNEL_OPTIONS);
}

type UnaryInvoker<K extends UnaryMethod> = (
  request: ClientRequestOf<K>,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: ClientResponseOf<K>) => void,
) => grpc.ClientUnaryCall;

/** One unary RPC with a deadline, as a promise of the decoded response. */
export function unaryCall<K extends UnaryMethod>(
  client: VolumeServerPeer,
  method: K,
  request: ClientRequestOf<K>,
  timeoutMs = 60_000,
): Promise<ClientResponseOf<K>> {
  // One generic call site over every RPC's overloads: TypeScript cannot pick an overload for a
  // generic name, so the invoker is typed from K by hand (the public signature stays checked).
  const invoke = client[method] as unknown as UnaryInvoker<K>;
  return new Promise((resolve, reject) => {
    invoke.call(client, request, { deadline: Date.now() + timeoutMs }, (err, response) =>
      err ? reject(err) : resolve(response as ClientResponseOf<K>),
    );
  });
}

/** A server stream's messages, typed (grpc-js iterates a stream's messages as `any`). */
export function messagesOf<T>(stream: grpc.ClientReadableStream<T>): AsyncIterable<T> {
  return stream;
}

export interface CopiedFile {
  bytesWritten: number;
  /** The source file's mtime in ns; 0 when the source had no such file. */
  modifiedTsNs: bigint;
}

/**
 * Streams a peer's CopyFile into `destination` (created or truncated). `onBytes` sees progress.
 * A stream that carried no mtime means the source file was absent: the output is removed.
 */
export async function copyFileFromPeer(
  client: VolumeServerPeer,
  request: Required<ClientRequestOf<'CopyFile'>>,
  destination: string,
  onBytes: (bytes: number) => Promise<void> = async () => {},
): Promise<CopiedFile> {
  const handle = await open(destination, 'w');
  let bytesWritten = 0;
  let modifiedTsNs = 0n;
  try {
    const stream = client.CopyFile(request);
    for await (const message of messagesOf(stream)) {
      if (modifiedTsNs === 0n && message.modified_ts_ns !== '0') modifiedTsNs = BigInt(message.modified_ts_ns);
      if (message.file_content.length > 0) {
        await handle.write(message.file_content, 0, message.file_content.length, bytesWritten);
        bytesWritten += message.file_content.length;
        await onBytes(message.file_content.length);
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytesWritten, modifiedTsNs };
}
