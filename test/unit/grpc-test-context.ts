// A GrpcContext over a real one-disk store in a temporary directory, for tests that start our
// gRPC server; the store closes with the suite.
import type { GrpcContext } from '../../src/server/grpc/context.ts';
import { ServerStateStore } from '../../src/store/server-state.ts';
import { Store } from '../../src/store/store.ts';
import type { SuiteScope } from './suite-scope.ts';

export async function testGrpcContext(scope: SuiteScope, tempPrefix: string): Promise<GrpcContext & { dir: string }> {
  const dir = await scope.tempDir(tempPrefix);
  const store = new Store([{ dir, maxVolumeCount: 4, diskType: '', diskId: 0 }], 4, () => {});
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
    version: '30GB 4.44 needlework',
    dataCenter: '',
    rack: '',
    compactionBytesPerSecond: 0,
    masters: [],
    currentMaster: () => '',
    leave: async () => {},
    log: () => {},
  };
}
