// Original file: proto/volume_server.proto

import type { DiskStatus as _volume_server_pb_DiskStatus, DiskStatus__Output as _volume_server_pb_DiskStatus__Output } from '../volume_server_pb/DiskStatus.ts';
import type { MemStatus as _volume_server_pb_MemStatus, MemStatus__Output as _volume_server_pb_MemStatus__Output } from '../volume_server_pb/MemStatus.ts';
import type { VolumeServerState as _volume_server_pb_VolumeServerState, VolumeServerState__Output as _volume_server_pb_VolumeServerState__Output } from '../volume_server_pb/VolumeServerState.ts';

export interface VolumeServerStatusResponse {
  'disk_statuses'?: (_volume_server_pb_DiskStatus)[];
  'memory_status'?: (_volume_server_pb_MemStatus | null);
  'version'?: (string);
  'data_center'?: (string);
  'rack'?: (string);
  'state'?: (_volume_server_pb_VolumeServerState | null);
}

export interface VolumeServerStatusResponse__Output {
  'disk_statuses': (_volume_server_pb_DiskStatus__Output)[];
  'memory_status': (_volume_server_pb_MemStatus__Output | null);
  'version': (string);
  'data_center': (string);
  'rack': (string);
  'state': (_volume_server_pb_VolumeServerState__Output | null);
}
