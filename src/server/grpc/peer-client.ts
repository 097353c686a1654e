// Calls to peer volume servers (addressed `host:port.grpcPort`): file status and file copies,
// dialed with the process-wide gRPC credentials (mTLS when security.toml configures it).
import { open } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { toGrpcAddress } from '../../master/master-client.ts';
import { grpcClientCredentials } from '../../security/grpc-credentials.ts';
import { GRPC_CHANNEL_OPTIONS, volumeServerClientConstructor } from './proto.ts';

export type PeerClient = grpc.Client & Record<string, any>;

export function newPeerClient(address: string): PeerClient {
  const Client = volumeServerClientConstructor();
  return new Client(toGrpcAddress(address), grpcClientCredentials(), GRPC_CHANNEL_OPTIONS) as PeerClient;
}

export function unaryCall<Response>(client: PeerClient, method: string, request: object, timeoutMs = 60_000): Promise<Response> {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, response: Response) => (err ? reject(err) : resolve(response)));
  });
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
  client: PeerClient,
  request: { volume_id: number; ext: string; compaction_revision: number; stop_offset: string; collection: string; is_ec_volume: boolean; ignore_source_file_not_found: boolean },
  destination: string,
  onBytes: (bytes: number) => Promise<void> = async () => {},
): Promise<CopiedFile> {
  const handle = await open(destination, 'w');
  let bytesWritten = 0;
  let modifiedTsNs = 0n;
  try {
    const stream = client['CopyFile'](request) as grpc.ClientReadableStream<{ file_content: Buffer; modified_ts_ns: string }>;
    for await (const message of stream) {
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
