// Original file: proto/master.proto

import type { VolumeInformationMessage as _master_pb_VolumeInformationMessage, VolumeInformationMessage__Output as _master_pb_VolumeInformationMessage__Output } from '../master_pb/VolumeInformationMessage.ts';
import type { VolumeEcShardInformationMessage as _master_pb_VolumeEcShardInformationMessage, VolumeEcShardInformationMessage__Output as _master_pb_VolumeEcShardInformationMessage__Output } from '../master_pb/VolumeEcShardInformationMessage.ts';
import type { Long } from '@grpc/proto-loader';

export interface DiskInfo {
  'type'?: (string);
  'volume_count'?: (number | string | Long);
  'max_volume_count'?: (number | string | Long);
  'free_volume_count'?: (number | string | Long);
  'active_volume_count'?: (number | string | Long);
  'volume_infos'?: (_master_pb_VolumeInformationMessage)[];
  'ec_shard_infos'?: (_master_pb_VolumeEcShardInformationMessage)[];
  'remote_volume_count'?: (number | string | Long);
  'disk_id'?: (number);
  'tags'?: (string)[];
  'max_volume_count_by_disk'?: ({[key: number]: number | string | Long});
  'disk_total_bytes'?: (number | string | Long);
  'disk_free_bytes'?: (number | string | Long);
}

export interface DiskInfo__Output {
  'type': (string);
  'volume_count': (string);
  'max_volume_count': (string);
  'free_volume_count': (string);
  'active_volume_count': (string);
  'volume_infos': (_master_pb_VolumeInformationMessage__Output)[];
  'ec_shard_infos': (_master_pb_VolumeEcShardInformationMessage__Output)[];
  'remote_volume_count': (string);
  'disk_id': (number);
  'tags': (string)[];
  'max_volume_count_by_disk': ({[key: number]: string});
  'disk_total_bytes': (string);
  'disk_free_bytes': (string);
}
