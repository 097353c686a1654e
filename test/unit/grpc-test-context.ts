// A GrpcContext over a real one-disk store in a temporary directory, for tests that start our
// gRPC server; the store closes with the suite.
import type { ClientRequestOf, ClientResponseOf, GrpcContext } from '../../src/server/grpc/context.ts';
import type * as grpc from '@grpc/grpc-js';
import { messagesOf, newPeerClient, type VolumeServerPeer } from '../../src/cluster/peer-client.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { ServerStateStore } from '../../src/store/server-state.ts';
import type { DiskLocationConfig } from '../../src/store/disk-location.ts';
import { Store } from '../../src/store/store.ts';
import type { SuiteScope } from './suite-scope.ts';
import { silentLogger } from '../../src/log/logger.ts';

export async function testGrpcContext(
  scope: SuiteScope,
  tempPrefix: string,
  location: Partial<DiskLocationConfig> = {},
): Promise<GrpcContext & { dir: string }> {
  const dir = await scope.tempDir(tempPrefix);
  const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0, ...location }], 4, silentLogger);
  await store.load();
  scope.defer(() => store.close());
  const state = new ServerStateStore(ServerStateStore.pathIn(dir));
  await state.load();
  return {
    dir,
    store,
    state,
    ip: '127.0.0.1',
    port: 8080,
    serverId: '127.0.0.1:8080',
    version: '30GB 4.53 needlework',
    // Test peers listen on loopback, as the upstream harness's do (it passes the same opt-out).
    allowUntrustedRemoteEndpoints: true,
    dataCenter: '',
    rack: '',
    compactionBytesPerSecond: 0,
    masters: [],
    currentMaster: () => '',
    leave: async () => {},
    log: silentLogger,
  };
}

export interface TestGrpcServer {
  ctx: GrpcContext & { dir: string };
  client: VolumeServerPeer;
  /** host:httpPort.grpcPort, as a master names a peer. */
  address: string;
}

/** Our gRPC server over a fresh test context (with `overrides`), and a client to it. */
export async function startTestGrpcServer(
  scope: SuiteScope,
  tempPrefix: string,
  overrides: Partial<GrpcContext> = {},
): Promise<TestGrpcServer> {
  const ctx = { ...(await testGrpcContext(scope, tempPrefix)), ...overrides };
  const server = await startGrpcServer(ctx, '127.0.0.1', 0);
  const address = `127.0.0.1:1.${server.port}`;
  const client = newPeerClient(address);
  scope.defer(async () => {
    client.close();
    await server.close();
  });
  return { ctx, client, address };
}

/** Every message of a server stream, in order; rejects with the stream's error. */
export async function allMessages<T>(stream: grpc.ClientReadableStream<T>): Promise<T[]> {
  const messages: T[] = [];
  for await (const message of messagesOf(stream)) messages.push(message);
  return messages;
}

/** Every message of a VolumeCopy stream. */
export function volumeCopyMessages(
  client: VolumeServerPeer,
  request: ClientRequestOf<'VolumeCopy'>,
): Promise<ClientResponseOf<'VolumeCopy'>[]> {
  return new Promise((resolve, reject) => {
    const call = client.VolumeCopy(request);
    const messages: ClientResponseOf<'VolumeCopy'>[] = [];
    call.on('data', (m) => messages.push(m));
    call.on('end', () => resolve(messages));
    call.on('error', reject);
  });
}
