// Original file: proto/master.proto

import type { VolumeLocation as _master_pb_VolumeLocation, VolumeLocation__Output as _master_pb_VolumeLocation__Output } from '../master_pb/VolumeLocation.ts';
import type { ClusterNodeUpdate as _master_pb_ClusterNodeUpdate, ClusterNodeUpdate__Output as _master_pb_ClusterNodeUpdate__Output } from '../master_pb/ClusterNodeUpdate.ts';
import type { LockRingUpdate as _master_pb_LockRingUpdate, LockRingUpdate__Output as _master_pb_LockRingUpdate__Output } from '../master_pb/LockRingUpdate.ts';

export interface KeepConnectedResponse {
  'volume_location'?: (_master_pb_VolumeLocation | null);
  'cluster_node_update'?: (_master_pb_ClusterNodeUpdate | null);
  'lock_ring_update'?: (_master_pb_LockRingUpdate | null);
}

export interface KeepConnectedResponse__Output {
  'volume_location': (_master_pb_VolumeLocation__Output | null);
  'cluster_node_update': (_master_pb_ClusterNodeUpdate__Output | null);
  'lock_ring_update': (_master_pb_LockRingUpdate__Output | null);
}
