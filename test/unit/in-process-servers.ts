// Our gRPC and HTTP servers in-process over a fresh test store (grpc-test-context.ts), with a
// gRPC client to them; all closed with the suite.
import { silentLogger } from '../../src/log/logger.ts';
import { newPeerClient, type VolumeServerPeer } from '../../src/cluster/peer-client.ts';
import type { GrpcContext } from '../../src/server/grpc/context.ts';
import { startGrpcServer } from '../../src/server/grpc/server.ts';
import { listenHttpServers } from '../../src/server/http/index.ts';
import type { DiskLocationConfig } from '../../src/store/disk-location.ts';
import { testGrpcContext } from './grpc-test-context.ts';
import type { SuiteScope } from './suite-scope.ts';

export interface InProcessServers {
  ctx: GrpcContext & { dir: string };
  client: VolumeServerPeer;
  adminPort: number;
}

export async function startInProcessServers(
  scope: SuiteScope,
  tempPrefix: string,
  options: { location?: Partial<DiskLocationConfig>; isHealthy?: () => boolean } = {},
): Promise<InProcessServers> {
  const ctx = await testGrpcContext(scope, tempPrefix, options.location);
  const grpcServer = await startGrpcServer(ctx, '127.0.0.1', 0);
  const client = newPeerClient(`127.0.0.1:1.${grpcServer.port}`);
  const servers = await listenHttpServers(
    {
      store: ctx.store,
      serverVersion: '30GB 4.53',
      fileSizeLimitBytes: 1 << 20,
      isHealthy: options.isHealthy ?? (() => true),
      log: silentLogger,
    },
    { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
  );
  scope.defer(async () => {
    client.close();
    await servers.close();
    await grpcServer.close();
  });
  return { ctx, client, adminPort: servers.adminPort };
}
