// Original file: proto/master.proto

import type { VolumeInformationMessage as _master_pb_VolumeInformationMessage, VolumeInformationMessage__Output as _master_pb_VolumeInformationMessage__Output } from '../master_pb/VolumeInformationMessage.ts';
import type { VolumeShortInformationMessage as _master_pb_VolumeShortInformationMessage, VolumeShortInformationMessage__Output as _master_pb_VolumeShortInformationMessage__Output } from '../master_pb/VolumeShortInformationMessage.ts';
import type { VolumeEcShardInformationMessage as _master_pb_VolumeEcShardInformationMessage, VolumeEcShardInformationMessage__Output as _master_pb_VolumeEcShardInformationMessage__Output } from '../master_pb/VolumeEcShardInformationMessage.ts';
import type { VolumeServerState as _volume_server_pb_VolumeServerState, VolumeServerState__Output as _volume_server_pb_VolumeServerState__Output } from '../volume_server_pb/VolumeServerState.ts';
import type { DiskTag as _master_pb_DiskTag, DiskTag__Output as _master_pb_DiskTag__Output } from '../master_pb/DiskTag.ts';
import type { Long } from '@grpc/proto-loader';

export interface Heartbeat {
  'ip'?: (string);
  'port'?: (number);
  'public_url'?: (string);
  'max_volume_counts'?: ({[key: string]: number});
  'max_file_key'?: (number | string | Long);
  'data_center'?: (string);
  'rack'?: (string);
  'admin_port'?: (number);
  'volumes'?: (_master_pb_VolumeInformationMessage)[];
  'new_volumes'?: (_master_pb_VolumeShortInformationMessage)[];
  'deleted_volumes'?: (_master_pb_VolumeShortInformationMessage)[];
  'has_no_volumes'?: (boolean);
  'ec_shards'?: (_master_pb_VolumeEcShardInformationMessage)[];
  'new_ec_shards'?: (_master_pb_VolumeEcShardInformationMessage)[];
  'deleted_ec_shards'?: (_master_pb_VolumeEcShardInformationMessage)[];
  'has_no_ec_shards'?: (boolean);
  'grpc_port'?: (number);
  'location_uuids'?: (string)[];
  'id'?: (string);
  'state'?: (_volume_server_pb_VolumeServerState | null);
  'disk_tags'?: (_master_pb_DiskTag)[];
  'disk_total_bytes'?: ({[key: string]: number | string | Long});
  'disk_free_bytes'?: ({[key: string]: number | string | Long});
  'volume_digest'?: (number | string | Long);
  'changed_volumes'?: (_master_pb_VolumeInformationMessage)[];
  'max_volume_id_seen'?: (number);
  'last_seen_topology_id'?: (string);
  '_volume_digest'?: "volume_digest";
}

export interface Heartbeat__Output {
  'ip': (string);
  'port': (number);
  'public_url': (string);
  'max_volume_counts': ({[key: string]: number});
  'max_file_key': (string);
  'data_center': (string);
  'rack': (string);
  'admin_port': (number);
  'volumes': (_master_pb_VolumeInformationMessage__Output)[];
  'new_volumes': (_master_pb_VolumeShortInformationMessage__Output)[];
  'deleted_volumes': (_master_pb_VolumeShortInformationMessage__Output)[];
  'has_no_volumes': (boolean);
  'ec_shards': (_master_pb_VolumeEcShardInformationMessage__Output)[];
  'new_ec_shards': (_master_pb_VolumeEcShardInformationMessage__Output)[];
  'deleted_ec_shards': (_master_pb_VolumeEcShardInformationMessage__Output)[];
  'has_no_ec_shards': (boolean);
  'grpc_port': (number);
  'location_uuids': (string)[];
  'id': (string);
  'state': (_volume_server_pb_VolumeServerState__Output | null);
  'disk_tags': (_master_pb_DiskTag__Output)[];
  'disk_total_bytes': ({[key: string]: string});
  'disk_free_bytes': ({[key: string]: string});
  'volume_digest'?: (string);
  'changed_volumes': (_master_pb_VolumeInformationMessage__Output)[];
  'max_volume_id_seen': (number);
  'last_seen_topology_id': (string);
  '_volume_digest'?: "volume_digest";
}
