// Original file: proto/volume_server.proto

import type { EcShardInfo as _volume_server_pb_EcShardInfo, EcShardInfo__Output as _volume_server_pb_EcShardInfo__Output } from '../volume_server_pb/EcShardInfo.ts';
import type { EcShardConfig as _volume_server_pb_EcShardConfig, EcShardConfig__Output as _volume_server_pb_EcShardConfig__Output } from '../volume_server_pb/EcShardConfig.ts';
import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardsInfoResponse {
  'ec_shard_infos'?: (_volume_server_pb_EcShardInfo)[];
  'volume_size'?: (number | string | Long);
  'file_count'?: (number | string | Long);
  'file_deleted_count'?: (number | string | Long);
  'ec_shard_config'?: (_volume_server_pb_EcShardConfig | null);
}

export interface VolumeEcShardsInfoResponse__Output {
  'ec_shard_infos': (_volume_server_pb_EcShardInfo__Output)[];
  'volume_size': (string);
  'file_count': (string);
  'file_deleted_count': (string);
  'ec_shard_config': (_volume_server_pb_EcShardConfig__Output | null);
}
