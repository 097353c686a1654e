// Original file: proto/volume_server.proto

import type { EcShardInfo as _volume_server_pb_EcShardInfo, EcShardInfo__Output as _volume_server_pb_EcShardInfo__Output } from '../volume_server_pb/EcShardInfo.ts';
import type { Long } from '@grpc/proto-loader';

export interface ScrubEcVolumeResponse {
  'total_volumes'?: (number | string | Long);
  'total_files'?: (number | string | Long);
  'broken_volume_ids'?: (number)[];
  'broken_shard_infos'?: (_volume_server_pb_EcShardInfo)[];
  'details'?: (string)[];
}

export interface ScrubEcVolumeResponse__Output {
  'total_volumes': (string);
  'total_files': (string);
  'broken_volume_ids': (number)[];
  'broken_shard_infos': (_volume_server_pb_EcShardInfo__Output)[];
  'details': (string)[];
}
