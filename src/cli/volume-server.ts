// Process lifecycle: load the store, connect to the master, serve gRPC and HTTP, shut down cleanly.
import type { VolumeConfig } from './flags.ts';
import type { SecurityConfig } from '../security/security-config.ts';
import { checkWithMaster } from '../cluster/check-with-master.ts';
import { HeartbeatClient } from '../cluster/heartbeat.ts';
import { VolumeLookup } from '../cluster/volume-lookup.ts';
import { RemoteEcShards } from '../cluster/ec-remote-shards.ts';
import { startGrpcServer } from '../server/grpc/server.ts';
import type { GrpcContext } from '../server/grpc/context.ts';
import { ServerStateStore } from '../store/server-state.ts';
import { Store } from '../store/store.ts';
import { startHttpServers } from '../server/http/start.ts';
import { grpcMetricsInterceptor } from '../server/metrics/grpc-interceptor.ts';
import { setUpMetrics } from './metrics-setup.ts';
import { setUpTransportSecurity } from './transport-security.ts';
import { DiskSpaceMonitor } from '../store/disk-space-monitor.ts';
import { registerS3BackendType } from '../remote/s3-backend.ts';
import { drainBarriersStatus, vacuumJobsStatus } from '../store/store-status.ts';
import { tlsReloadStatus } from '../security/pem-reloader.ts';
import { ServiceRegistry } from '../status/service-registry.ts';
import { DeleteRetryQueue } from '../cluster/delete-retry-queue.ts';
import { TtlExpiry } from '../store/ttl-expiry.ts';
import { Scrubber } from '../store/scrubber.ts';
import { notifyMasterReadonly } from '../cluster/master-notify.ts';
import { registerScrubberMetrics } from '../server/metrics/scrubber-metrics.ts';
import path from 'node:path';
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import type { Logger } from '../log/logger.ts';

/** The heartbeat's status when no -master is given: nothing asks for it. */
function heartbeatNotConfigured(): ServiceSnapshot {
  return {
    name: 'heartbeat',
    desired: { enabled: false, masters: '' },
    current: 'NotConfigured',
    status: emptyStatus({ detail: 'no -master given' }),
  };
}

/** Version string upstream reports: size limit of the offset width, then the release. */
export function serverVersion(offsetWidth: 4 | 5): string {
  return `${offsetWidth === 4 ? '30GB' : '8000GB'} 4.53 needlework`;
}

export interface RunningServer {
  stop(reason: string): Promise<void>;
}

export async function startVolumeServer(
  config: VolumeConfig,
  security: SecurityConfig,
  log: Logger,
): Promise<RunningServer> {
  // Each service logs under its own component, the name a line shows where glog shows its Go file.
  const component = (name: string): Logger => log.child({ component: name });
  // First, so bad certificates stop the server before it touches any volume.
  const transport = setUpTransportSecurity(security, component('tls'));
  // The master may name s3 tiers in its configuration; storage creates them through this type.
  registerS3BackendType();
  // Before the store, as upstream: tiered volumes load only once the master's backends are known.
  // With masters given, this waits until one answers.
  const masterConfiguration =
    config.masters.length > 0 ? await checkWithMaster(config.masters, component('master')) : null;
  const store = new Store(
    config.folders.map((folder, diskId) => ({
      dir: folder.dir,
      ...(folder.idxDir !== undefined ? { idxDir: folder.idxDir } : {}),
      maxVolumeCount: folder.maxVolumeCount,
      diskType: folder.diskType,
      diskId,
      syncBatch: {
        minBytes: config.fsyncMinBatchBytes,
        minRequests: config.fsyncMinBatchRequests,
        waitMs: config.fsyncBatchWaitMs,
      },
      // A write may take this long to arrive and commit; a barrier never cuts one off sooner.
      ...(config.inflightUploadDataTimeoutMs > 0 ? { drainTimeoutMs: config.inflightUploadDataTimeoutMs } : {}),
      minFreeSpace: folder.minFreeSpace,
    })),
    config.offsetWidth,
    component('store'),
  );
  await store.load();
  const volumeCount = [...store.allVolumes()].length;
  log.info(
    `loaded ${volumeCount} volumes from ${config.folders.map((f) => f.dir).join(', ')} (${config.offsetWidth}-byte offsets)`,
  );

  // A first pass before the heartbeat starts, so the master never hears a low disk is writable.
  const diskMonitor = new DiskSpaceMonitor(store.locations, {
    intervalMs: config.diskCheckIntervalMs,
    log: component('disk-space-monitor'),
  });
  await diskMonitor.start();

  const firstLocation = store.locations[0];
  if (firstLocation === undefined) throw new Error('no -dir given');
  const state = new ServerStateStore(ServerStateStore.pathIn(firstLocation.idxDir ?? firstLocation.dir));
  await state.load();

  let stopping = false;
  let heartbeatStopped = false;
  const heartbeat =
    config.masters.length > 0
      ? new HeartbeatClient(
          store,
          config.masters,
          {
            ip: config.ip,
            port: config.httpPort,
            grpcPort: config.grpcPort,
            publicUrl: config.publicUrl,
            id: config.serverId,
            dataCenter: config.dataCenter,
            rack: config.rack,
          },
          component('heartbeat'),
        )
      : null;
  if (heartbeat === null) log.info('no -master given: serving local volumes without a master');

  const stopHeartbeat = async (): Promise<void> => {
    if (heartbeatStopped) return;
    heartbeatStopped = true;
    await heartbeat?.stop();
  };

  const mastersInOrder = (): string[] => {
    const current = heartbeat?.master ?? '';
    return current !== '' ? [current, ...config.masters.filter((m) => m !== current)] : config.masters;
  };
  const lookup = new VolumeLookup(mastersInOrder);
  // EC reads of shards this server does not hold go to their holders, found through the master.
  if (config.masters.length > 0)
    store.ec.remote = new RemoteEcShards(mastersInOrder, `${config.ip}:${config.httpPort}`);

  const grpcContext: GrpcContext = {
    store,
    state,
    ip: config.ip,
    port: config.httpPort,
    serverId: config.serverId,
    version: serverVersion(config.offsetWidth),
    dataCenter: config.dataCenter,
    rack: config.rack,
    compactionBytesPerSecond: config.compactionBytesPerSecond,
    maintenanceBytesPerSecond: config.maintenanceBytesPerSecond,
    allowUntrustedRemoteEndpoints: config.allowUntrustedRemoteEndpoints,
    masters: config.masters,
    currentMaster: () => heartbeat?.master ?? '',
    leave: stopHeartbeat,
    log: component('grpc'),
  };
  const metrics = await setUpMetrics(config, store, component('metrics'), masterConfiguration);
  const grpcServer = await startGrpcServer(
    grpcContext,
    config.bindIp === '' ? '0.0.0.0' : config.bindIp,
    config.grpcPort,
    {
      credentials: transport.grpcServer.credentials,
      interceptors: [...transport.grpcServer.interceptors, grpcMetricsInterceptor(metrics.metrics)],
    },
  );
  log.info(
    `gRPC listening on ${config.bindIp}:${grpcServer.port}${transport.grpcServerTls ? ' (mutual TLS)' : ''}${transport.grpcClientTls ? '; dialing masters and peers with TLS' : ''}`,
  );

  // Replica and chunk deletes that failed on their holder, sent again with backoff.
  const deleteRetries = new DeleteRetryQueue({
    file: path.join(firstLocation.idxDir ?? firstLocation.dir, 'delete-retries.json'),
    jwtSigningKey: security.jwtSigningKey,
    jwtExpiresAfterSeconds: security.jwtExpiresAfterSeconds,
    log: component('delete-retry-queue'),
  });
  await deleteRetries.load();
  deleteRetries.start();

  // The continuous scrubber (off unless -scrub.interval is set): a damaged volume is marked
  // read-only and the master told, as ScrubVolume's mark-broken does.
  const scrubber = new Scrubber(store.locations, {
    intervalMs: config.scrubIntervalMs,
    bytesPerSecond: config.scrubBytesPerSecond,
    concurrentVolumes: config.scrubConcurrentVolumes,
    foregroundInFlight: () => metrics.metrics.requests.totalInFlight(),
    coder: () => store.coder(),
    onDamage: async (volume) => {
      await notifyMasterReadonly(grpcContext, volume, true);
      await volume.setReadOnly(true, true);
    },
    log: component('scrubber'),
  });
  registerScrubberMetrics(metrics.metrics.registry, scrubber);

  // Volumes (and EC volumes) whose TTL has passed: unreported at once, deleted after a delay.
  const ttlExpiry = new TtlExpiry(store, { log: component('ttl-expiry') });

  // Every background service, for GET /status/services; collecting their snapshots only reads.
  const services = new ServiceRegistry();
  services.register('heartbeat', {
    snapshots: () =>
      heartbeat === null ? [heartbeatNotConfigured()] : [heartbeat.statusSnapshot(), ...heartbeat.masterSnapshots()],
  });
  services.register('metrics-push', { snapshots: () => [metrics.pushStatus()] });
  services.register('tls-reload', tlsReloadStatus);
  services.register('disk-space-monitor', { snapshots: () => [diskMonitor.statusSnapshot()] });
  services.register('vacuum', vacuumJobsStatus(store));
  services.register('drain-barriers', drainBarriersStatus(store));
  services.register('maintenance', { snapshots: () => store.maintenance.statusSnapshots() });
  services.register('delete-retry-queue', { snapshots: () => [deleteRetries.statusSnapshot()] });
  services.register('ttl-expiry', { snapshots: () => [ttlExpiry.statusSnapshot()] });
  services.register('jobs', store.jobs);
  services.register('scrubber', { snapshots: () => [scrubber.statusSnapshot()] });

  const http = await startHttpServers({
    services,
    deleteRetries,
    store,
    config,
    security,
    whiteList: config.whiteList,
    lookup,
    readMode: {
      mode: config.readMode,
      selfAddress: `${config.ip}:${config.httpPort}`,
      lookup: (volumeId) => lookup.lookup(volumeId),
    },
    serverVersion: serverVersion(config.offsetWidth),
    isHealthy: () => !stopping && !heartbeatStopped,
    log: component('http'),
    metrics: metrics.metrics,
    ...(transport.httpsAdmin !== undefined
      ? { tls: { serverOptions: transport.httpsAdmin.serverOptions, attach: transport.httpsAdmin.attach } }
      : {}),
  });
  log.info(
    `${transport.httpsAdmin !== undefined ? 'HTTPS' : 'HTTP'} listening on ${config.bindIp}:${config.httpPort}${config.publicPort !== config.httpPort ? ` (public ${config.publicPort}, HTTP)` : ''}${transport.httpsClient ? '; calling masters and peers over HTTPS' : ''}`,
  );

  heartbeat?.start();
  ttlExpiry.start();
  await scrubber.start();

  return {
    async stop(reason: string) {
      if (stopping) return;
      log.info(`stopping (${reason})`);
      const wasHeartbeating = !heartbeatStopped;
      // preStopSeconds lets clients the master pointed here drain; with no master link there are none.
      const hadMaster = heartbeat?.isConnected === true;
      stopping = true;
      if (wasHeartbeating) {
        await stopHeartbeat();
        if (hadMaster && config.preStopSeconds > 0) {
          log.info(`waiting ${config.preStopSeconds}s (-preStopSeconds) before closing listeners`);
          await new Promise((resolve) => setTimeout(resolve, config.preStopSeconds * 1000));
        }
      }
      diskMonitor.stop();
      await ttlExpiry.stop();
      await scrubber.stop();
      await http.close();
      await deleteRetries.stop();
      await grpcServer.close();
      await metrics.close();
      transport.close();
      await store.close();
      log.info('stopped');
    },
  };
}
