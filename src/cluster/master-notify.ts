// Telling the master that one of our volumes changed writability (VolumeMarkReadonly, scrub).
import { markReadonlyOnMaster } from './master-client.ts';
import { ttlToUint32 } from '../storage/needle/ttl.ts';
import { replicaPlacementToByte } from '../storage/replica-placement.ts';
import type { Volume } from '../storage/volume.ts';
import { type ClusterContext, masterToAsk } from './cluster-context.ts';

/** No-op without a master (a standalone server has nobody to tell). */
export async function notifyMasterReadonly(ctx: ClusterContext, volume: Volume, isReadonly: boolean): Promise<void> {
  const master = masterToAsk(ctx);
  if (master === '') return;
  await markReadonlyOnMaster(master, {
    ip: ctx.ip,
    port: ctx.port,
    volume_id: volume.id,
    collection: volume.collection,
    replica_placement: replicaPlacementToByte(volume.superBlock.replicaPlacement),
    version: volume.version,
    ttl: ttlToUint32(volume.ttl),
    disk_type: ctx.store.locationOf(volume)?.diskType ?? '',
    is_readonly: isReadonly,
  });
}
