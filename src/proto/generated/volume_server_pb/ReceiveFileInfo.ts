// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ReceiveFileInfo {
  'volume_id'?: (number);
  'ext'?: (string);
  'collection'?: (string);
  'is_ec_volume'?: (boolean);
  'shard_id'?: (number);
  'file_size'?: (number | string | Long);
  'disk_id'?: (number);
  'disk_type'?: (string);
}

export interface ReceiveFileInfo__Output {
  'volume_id': (number);
  'ext': (string);
  'collection': (string);
  'is_ec_volume': (boolean);
  'shard_id': (number);
  'file_size': (string);
  'disk_id': (number);
  'disk_type': (string);
}
