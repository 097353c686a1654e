// Original file: proto/volume_server.proto

import type { RemoteFile as _volume_server_pb_RemoteFile, RemoteFile__Output as _volume_server_pb_RemoteFile__Output } from '../volume_server_pb/RemoteFile.ts';
import type { EcShardConfig as _volume_server_pb_EcShardConfig, EcShardConfig__Output as _volume_server_pb_EcShardConfig__Output } from '../volume_server_pb/EcShardConfig.ts';
import type { Long } from '@grpc/proto-loader';

export interface VolumeInfo {
  'files'?: (_volume_server_pb_RemoteFile)[];
  'version'?: (number);
  'replication'?: (string);
  'bytes_offset'?: (number);
  'dat_file_size'?: (number | string | Long);
  'expire_at_sec'?: (number | string | Long);
  'read_only'?: (boolean);
  'ec_shard_config'?: (_volume_server_pb_EcShardConfig | null);
  'read_only_can_delete'?: (boolean);
}

export interface VolumeInfo__Output {
  'files': (_volume_server_pb_RemoteFile__Output)[];
  'version': (number);
  'replication': (string);
  'bytes_offset': (number);
  'dat_file_size': (string);
  'expire_at_sec': (string);
  'read_only': (boolean);
  'ec_shard_config': (_volume_server_pb_EcShardConfig__Output | null);
  'read_only_can_delete': (boolean);
}
