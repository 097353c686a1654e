// The gRPC surface is typed from proto/ (src/proto/generated/): a misspelled RPC name or
// message field must not compile. Each `@ts-expect-error` below fails `tsc --noEmit` the day its
// line stops being an error, so these checks cannot silently rot. The runtime tests check the
// same names against the loaded service definition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type GrpcContext,
  type Reply,
  type RequestOf,
  type ResponseOf,
  type VolumeServerHandlerTable,
  type VolumeServerMethod,
  serverStream,
  unary,
  writeMessage,
} from '../../src/server/grpc/context.ts';
import type { MasterClient } from '../../src/cluster/master-client.ts';
import { type VolumeServerPeer, messagesOf, unaryCall } from '../../src/cluster/peer-client.ts';
import { buildVolumeServerImplementation } from '../../src/server/grpc/server.ts';
import { volumeServerService } from '../../src/proto/loader.ts';

/** Never called: only for the compiler. */
export function handlerTableTypeChecks(): VolumeServerHandlerTable {
  return {
    VolumeStatus: unary(async (request): Reply<'VolumeStatus'> => {
      const volumeId: number = request.volume_id;
      // @ts-expect-error misspelled request field
      void request.volme_id;
      if (volumeId === 0) {
        // @ts-expect-error misspelled response field
        return { is_read_only: false, volume_sise: '0' };
      }
      // @ts-expect-error wrong response field type
      return { is_read_only: 'no' };
    }),

    VacuumVolumeCompact: serverStream(async (request, call) => {
      void request.volume_id;
      await writeMessage(call, { processed_bytes: '1', load_avg_1m: 0.5 });
      // @ts-expect-error misspelled streamed field
      await writeMessage(call, { processed_bytez: '1' });
    }),

    // @ts-expect-error misspelled RPC name
    VolumeStatsu: unary(async () => ({})),
  };
}

/** Never called: the request/response helper types follow the proto. */
export function messageTypeChecks(request: RequestOf<'AllocateVolume'>): ResponseOf<'VolumeSyncStatus'> {
  const collection: string = request.collection;
  // @ts-expect-error misspelled field
  void request.colection;
  // @ts-expect-error not a VolumeServer RPC
  const notAMethod: VolumeServerMethod = 'AllocateVolumes';
  void notAMethod;
  return { collection, tail_offset: '0' };
}

/** Never called: peer clients are typed the same way, by method and by `unaryCall` name. */
export async function peerClientTypeChecks(client: VolumeServerPeer): Promise<void> {
  const status = await unaryCall(client, 'VolumeStatus', { volume_id: 1 });
  const size: string = status.volume_size;
  void size;
  // @ts-expect-error misspelled response field
  void status.volume_sise;
  // @ts-expect-error misspelled RPC name
  await unaryCall(client, 'VolumeStatsu', { volume_id: 1 });
  // @ts-expect-error misspelled request field
  await unaryCall(client, 'VolumeStatus', { volme_id: 1 });
  // @ts-expect-error CopyFile streams: it is not a unary RPC
  await unaryCall(client, 'CopyFile', { volume_id: 1 });

  for await (const message of messagesOf(client.CopyFile({ volume_id: 1, ext: '.dat' }))) {
    const content: Buffer = message.file_content;
    void content;
    // @ts-expect-error misspelled streamed field
    void message.file_contents;
  }
  // @ts-expect-error misspelled client method
  client.CopyFiles({ volume_id: 1 });
  // @ts-expect-error misspelled request field on a method call
  client.CopyFile({ volume_id: 1, extension: '.dat' });
}

/** Never called: so is the master client. */
export function masterClientTypeChecks(master: MasterClient): void {
  master.Ping({}, (err, response) => {
    const started: string | undefined = response?.start_time_ns;
    void err;
    void started;
    // @ts-expect-error misspelled response field
    void response?.start_time;
  });
  // @ts-expect-error misspelled master RPC
  master.Pnig({}, () => {});
  // @ts-expect-error misspelled request field
  master.VolumeMarkReadonly({ volume_id: 1, is_read_only: true }, () => {});
  const beat = master.SendHeartbeat();
  beat.write({ ip: '127.0.0.1', port: 8080 });
  // @ts-expect-error misspelled heartbeat field
  beat.write({ ip: '127.0.0.1', prot: 8080 });
}

describe('typed gRPC surface', () => {
  it('implements only RPCs the loaded VolumeServer service defines, and registers all of them', () => {
    const serviceNames = Object.keys(volumeServerService()).sort();
    const implementation = buildVolumeServerImplementation({} as GrpcContext);
    assert.deepEqual(Object.keys(implementation).sort(), serviceNames);
    assert.ok(serviceNames.includes('VolumeStatus'));
  });
});
