// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeStatusResponse {
  'is_read_only'?: (boolean);
  'volume_size'?: (number | string | Long);
  'file_count'?: (number | string | Long);
  'file_deleted_count'?: (number | string | Long);
}

export interface VolumeStatusResponse__Output {
  'is_read_only': (boolean);
  'volume_size': (string);
  'file_count': (string);
  'file_deleted_count': (string);
}
