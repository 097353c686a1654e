// The SendHeartbeat stream to the master, as the Go volume server keeps it: a full volume list
// on connect and every pulse, deltas at once when volumes come and go, leader redirects,
// reconnects with a pause, and a leave beat on shutdown.
//
// We send no volume_digest: the master then leaves us in full-list mode (a wrong digest would
// cause endless resends), which is the simplest choice upstream documents as compatible.
import type * as grpc from '@grpc/grpc-js';
import type { DiskLocation } from '../store/disk-location.ts';
import type { Store, StoreListener } from '../store/store.ts';
import type { EcShardListener, EcShardMessage } from '../store/ec-shard-store.ts';
import type { Volume } from '../storage/volume.ts';
import { replicaPlacementToByte } from '../storage/replica-placement.ts';
import { ttlToUint32 } from '../storage/needle/ttl.ts';
import { remoteFileBackendName } from '../storage/volume-info.ts';
import { DEFAULT_DATA_SHARDS } from '../ec/ec-layout.ts';
import type { DiskTag } from '../proto/generated/master_pb/DiskTag.ts';
import type { Heartbeat } from '../proto/generated/master_pb/Heartbeat.ts';
import type { HeartbeatResponse__Output } from '../proto/generated/master_pb/HeartbeatResponse.ts';
import type { VolumeInformationMessage } from '../proto/generated/master_pb/VolumeInformationMessage.ts';
import type { VolumeShortInformationMessage } from '../proto/generated/master_pb/VolumeShortInformationMessage.ts';
import { type MasterClient, newMasterClient } from './master-client.ts';
import { MasterLinks } from './master-links.ts';
import { ServiceHealth } from '../status/service-health.ts';
import { isVolumeExpired } from '../store/ttl-expiry.ts';
import { type ServiceSnapshot, emptyStatus } from '../status/service-status.ts';
import type { Logger } from '../log/logger.ts';

const PULSE_MS = 5_000;
const LEADER_SWITCH_DELAY_MS = 3_000;
/** Upstream buffers 1024 deltas; beyond that we fold them into the next full beat. */
const MAX_PENDING_DELTAS = 1024;

export interface HeartbeatIdentity {
  ip: string;
  port: number;
  grpcPort: number;
  publicUrl: string;
  id: string;
  dataCenter: string;
  rack: string;
}

/**
 * The slots a location offers the master: upstream's effectiveMaxCount, which on a disk below
 * -minFreeSpace is just the slots in use (volumes, and EC shards by data-shard count), so the
 * master grows nothing there.
 */
export function effectiveMaxVolumeCount(location: DiskLocation): number {
  if (!location.isDiskSpaceLow) return location.maxVolumeCount;
  return location.volumes.size + Math.ceil(location.ecShardCount() / DEFAULT_DATA_SHARDS);
}

export function volumeInformation(volume: Volume, location: DiskLocation): VolumeInformationMessage {
  const stats = volume.stats();
  const remote = volume.volumeInfo.files[0];
  return {
    id: volume.id,
    size: String(stats.datSizeBytes),
    collection: volume.collection,
    file_count: String(stats.fileCount),
    delete_count: String(stats.deletedCount),
    deleted_byte_count: String(stats.deletedBytes),
    read_only: volume.isReadOnly,
    replica_placement: replicaPlacementToByte(volume.superBlock.replicaPlacement),
    version: volume.version,
    ttl: ttlToUint32(volume.ttl),
    compact_revision: volume.superBlock.compactionRevision,
    modified_at_second: String(stats.lastModifiedTsSeconds),
    remote_storage_name: remote ? remoteFileBackendName(remote) : '',
    remote_storage_key: remote ? remote.key : '',
    disk_type: location.diskType,
    disk_id: location.diskId,
    read_only_can_delete: readOnlyCanDelete(volume),
  };
}

/** 4.53 tells the master a read-only volume still takes deletes, so it keeps routing them here. */
function readOnlyCanDelete(volume: Volume): boolean {
  return volume.reportsReadOnlyCanDelete;
}

export function shortInformation(volume: Volume, location: DiskLocation): VolumeShortInformationMessage {
  return {
    id: volume.id,
    collection: volume.collection,
    replica_placement: replicaPlacementToByte(volume.superBlock.replicaPlacement),
    version: volume.version,
    ttl: ttlToUint32(volume.ttl),
    disk_type: location.diskType,
    disk_id: location.diskId,
    read_only: volume.isReadOnly,
    read_only_can_delete: readOnlyCanDelete(volume),
  };
}

export class HeartbeatClient implements StoreListener, EcShardListener {
  private stream: grpc.ClientDuplexStream<Heartbeat, HeartbeatResponse__Output> | null = null;
  private client: MasterClient | null = null;
  private currentMaster = '';
  private stopped = false;
  private connected = false;
  private pulseTimer: NodeJS.Timeout | null = null;
  private pendingNew: VolumeShortInformationMessage[] = [];
  private pendingDeleted: VolumeShortInformationMessage[] = [];
  private pendingNewEc: EcShardMessage[] = [];
  private pendingDeletedEc: EcShardMessage[] = [];
  private wake: (() => void) | null = null;
  private everConnected = false;
  private started = false;
  private readonly health = new ServiceHealth();
  private readonly links: MasterLinks;

  constructor(
    private readonly store: Store,
    private readonly seeds: string[],
    private readonly identity: HeartbeatIdentity,
    private readonly log: Logger,
  ) {
    store.addListener(this);
    store.ec.addListener(this);
    this.links = new MasterLinks(seeds);
  }

  get master(): string {
    return this.currentMaster;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** True once the first heartbeat stream came up (readiness). */
  get hasRegistered(): boolean {
    return this.everConnected;
  }

  start(): void {
    this.started = true;
    void this.run();
  }

  /** One entry per master: the one streamed to, and those standing by; reading changes nothing. */
  masterSnapshots(): ServiceSnapshot[] {
    return this.links.snapshots({
      target: this.currentMaster,
      connected: this.connected,
      stopped: this.stopped || !this.started,
    });
  }

  /** The stream's state for the service status; reading it changes nothing. */
  statusSnapshot(): ServiceSnapshot {
    const current = this.stopped
      ? 'Stopped'
      : !this.started
        ? 'Stopped'
        : this.connected
          ? 'Running'
          : this.health.failing
            ? 'Degraded'
            : 'Starting';
    const pending =
      this.pendingNew.length + this.pendingDeleted.length + this.pendingNewEc.length + this.pendingDeletedEc.length;
    return {
      name: 'heartbeat',
      desired: { enabled: true, masters: this.seeds.join(','), pulseMs: PULSE_MS },
      current,
      status: emptyStatus({
        ...this.health.figures(),
        queueDepth: pending,
        queueLimit: 4 * MAX_PENDING_DELTAS,
        cancelledBy: ['shutdown', 'operator'],
        hasShutdownHandle: true,
        detail: this.connected
          ? `streaming to ${this.currentMaster}`
          : this.currentMaster !== ''
            ? `reconnecting (last master ${this.currentMaster})`
            : 'not connected yet',
      }),
    };
  }

  volumeAdded(volume: Volume, location: DiskLocation): void {
    if (this.pendingNew.length < MAX_PENDING_DELTAS) this.pendingNew.push(shortInformation(volume, location));
    this.flushDeltas();
  }

  volumeRemoved(volume: Volume, location: DiskLocation): void {
    if (this.pendingDeleted.length < MAX_PENDING_DELTAS) this.pendingDeleted.push(shortInformation(volume, location));
    this.flushDeltas();
  }

  ecShardsChanged(change: 'added' | 'removed', message: EcShardMessage): void {
    if (change === 'added') void this.store.noteVolumeId(message.id);
    const pending = change === 'added' ? this.pendingNewEc : this.pendingDeletedEc;
    if (pending.length < MAX_PENDING_DELTAS) pending.push(message);
    this.flushDeltas();
  }

  private baseMessage(): Heartbeat {
    const id = this.identity;
    return {
      ip: id.ip,
      port: id.port,
      grpc_port: id.grpcPort,
      public_url: id.publicUrl,
      data_center: id.dataCenter,
      rack: id.rack,
      id: id.id,
    };
  }

  private flushDeltas(): void {
    if (!this.connected || this.stream === null) return;
    if (this.pendingNew.length > 0 || this.pendingDeleted.length > 0) {
      const message: Heartbeat = {
        ...this.baseMessage(),
        new_volumes: this.pendingNew,
        deleted_volumes: this.pendingDeleted,
      };
      this.pendingNew = [];
      this.pendingDeleted = [];
      this.stream.write(message);
    }
    // EC deltas travel in their own message, as upstream sends them.
    if (this.pendingNewEc.length > 0 || this.pendingDeletedEc.length > 0) {
      const message: Heartbeat = {
        ...this.baseMessage(),
        new_ec_shards: this.pendingNewEc,
        deleted_ec_shards: this.pendingDeletedEc,
      };
      this.pendingNewEc = [];
      this.pendingDeletedEc = [];
      this.stream.write(message);
    }
  }

  fullHeartbeat(): Heartbeat {
    const volumes: VolumeInformationMessage[] = [];
    const maxVolumeCounts: Record<string, number> = {};
    const diskTags: DiskTag[] = [];
    for (const location of this.store.locations) {
      const maxCount = effectiveMaxVolumeCount(location);
      maxVolumeCounts[location.diskType] = (maxVolumeCounts[location.diskType] ?? 0) + maxCount;
      diskTags.push({
        disk_id: location.diskId,
        tags: [],
        type: location.diskType,
        max_volume_count: String(maxCount),
      });
      for (const volume of location.volumes.values()) {
        // An expired TTL volume is no longer reported (the master stops using it) until it is deleted.
        if (isVolumeExpired(volume, this.store.volumeSizeLimitBytes, Date.now())) continue;
        // Quarantined after sustained EIO: not announced, so the master re-replicates (4.53).
        if (volume.isIoQuarantined) continue;
        volumes.push(volumeInformation(volume, location));
      }
    }
    const ecShards = this.store.ec.heartbeatMessages();
    return {
      ...this.baseMessage(),
      max_file_key: this.store.maxFileKey().toString(),
      max_volume_counts: maxVolumeCounts,
      volumes,
      has_no_volumes: volumes.length === 0,
      ec_shards: ecShards,
      has_no_ec_shards: ecShards.length === 0,
      location_uuids: this.store.locations.map((l) => l.uuid),
      disk_tags: diskTags,
      // 4.53: lets a master that lost its state re-seed its volume id sequence above ours.
      max_volume_id_seen: this.store.maxVolumeIdSeen,
      last_seen_topology_id: this.store.lastSeenTopologyId,
    };
  }

  private async run(): Promise<void> {
    let seedIndex = 0;
    let next = '';
    while (!this.stopped) {
      const master = next !== '' ? next : (this.seeds[seedIndex++ % this.seeds.length] as string);
      next = '';
      const outcome = await this.connectOnce(master);
      if (this.stopped) break;
      if (outcome.leader !== '' && outcome.leader !== master) {
        this.log.info(`heartbeat: master ${master} says the leader is ${outcome.leader}`);
        next = outcome.leader;
        await this.sleep(LEADER_SWITCH_DELAY_MS);
      } else {
        const state = this.everConnected
          ? 'serving local volumes meanwhile'
          : 'not registered with any master yet; serving local volumes meanwhile';
        this.log.warn(
          `heartbeat to master ${master} ended: ${outcome.reason}; ${state}; retrying in ${PULSE_MS / 1000}s`,
        );
        await this.sleep(PULSE_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private connectOnce(master: string): Promise<{ leader: string; reason: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (leader: string, reason: string) => {
        if (settled) return;
        settled = true;
        this.connected = false;
        if (leader === '' && !this.stopped) {
          this.health.failed(new Error(`master ${master}: ${reason}`));
          link.health.failed(new Error(reason));
        }
        if (this.pulseTimer) clearInterval(this.pulseTimer);
        this.pulseTimer = null;
        this.stream = null;
        this.client?.close();
        this.client = null;
        resolve({ leader, reason });
      };
      const client = newMasterClient(master);
      this.client = client;
      const stream = client.SendHeartbeat();
      this.stream = stream;
      this.currentMaster = master;
      this.health.count('streams');
      const link = this.links.linkOf(master);
      link.health.count('streams');
      stream.on('data', (response: HeartbeatResponse__Output) => {
        this.health.count('responses');
        this.health.succeeded();
        link.health.count('responses');
        const limit = Number(response.volume_size_limit ?? 0);
        if (limit > 0 && limit !== this.store.volumeSizeLimitBytes) this.store.volumeSizeLimitBytes = limit;
        const leader = String(response.leader ?? '');
        // The master echoes its volume id sequence and topology id; both are persisted in
        // `.vid_stamp` so a restarted master can be told what ids were in use.
        void this.store.noteVolumeId(Number(response.max_volume_id ?? 0));
        void this.store.noteTopologyId(String(response.topology_id ?? ''));
        if (leader !== '' && leader !== master) {
          link.redirectedTo = leader;
          link.health.count('redirects');
          stream.cancel();
          finish(leader, 'not the leader');
          return;
        }
        link.redirectedTo = '';
        link.health.succeeded();
        const duplicated: string[] | undefined = response.duplicated_uuids;
        if (duplicated !== undefined && duplicated.length > 0) {
          this.log.error(`heartbeat: master reports duplicate directory UUIDs ${duplicated.join(', ')}`);
        }
        if (!this.connected) {
          this.connected = true;
          if (!this.everConnected) this.log.info(`registered with master ${master}`);
          this.everConnected = true;
          this.flushDeltas();
        }
      });
      stream.on('error', (err: Error) => finish('', err.message));
      stream.on('end', () => finish('', 'stream closed by master'));
      // Full state first, as Go does; the master answers the first message with a non-empty ip.
      stream.write(this.fullHeartbeat());
      this.pulseTimer = setInterval(() => {
        if (this.stream !== null) this.stream.write(this.fullHeartbeat());
      }, PULSE_MS);
    });
  }

  /** Sends the leave beat (the master drops our volumes) and stops for good. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const stream = this.stream;
    if (stream !== null && this.connected) {
      stream.write({ ...this.baseMessage(), max_file_key: '0', has_no_volumes: true, has_no_ec_shards: true });
      await new Promise<void>((resolve) => setTimeout(resolve, 100));
      stream.end();
    }
    if (this.pulseTimer) clearInterval(this.pulseTimer);
    this.client?.close();
    this.wake?.();
  }
}
