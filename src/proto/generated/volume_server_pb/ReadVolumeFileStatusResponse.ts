// Original file: proto/volume_server.proto

import type { VolumeInfo as _volume_server_pb_VolumeInfo, VolumeInfo__Output as _volume_server_pb_VolumeInfo__Output } from '../volume_server_pb/VolumeInfo.ts';
import type { Long } from '@grpc/proto-loader';

export interface ReadVolumeFileStatusResponse {
  'volume_id'?: (number);
  'idx_file_timestamp_seconds'?: (number | string | Long);
  'idx_file_size'?: (number | string | Long);
  'dat_file_timestamp_seconds'?: (number | string | Long);
  'dat_file_size'?: (number | string | Long);
  'file_count'?: (number | string | Long);
  'compaction_revision'?: (number);
  'collection'?: (string);
  'disk_type'?: (string);
  'volume_info'?: (_volume_server_pb_VolumeInfo | null);
  'version'?: (number);
  'expire_at_sec'?: (number | string | Long);
}

export interface ReadVolumeFileStatusResponse__Output {
  'volume_id': (number);
  'idx_file_timestamp_seconds': (string);
  'idx_file_size': (string);
  'dat_file_timestamp_seconds': (string);
  'dat_file_size': (string);
  'file_count': (string);
  'compaction_revision': (number);
  'collection': (string);
  'disk_type': (string);
  'volume_info': (_volume_server_pb_VolumeInfo__Output | null);
  'version': (number);
  'expire_at_sec': (string);
}
