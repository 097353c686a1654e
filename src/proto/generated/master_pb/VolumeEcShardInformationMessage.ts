// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardInformationMessage {
  'id'?: (number);
  'collection'?: (string);
  'ec_index_bits'?: (number);
  'disk_type'?: (string);
  'expire_at_sec'?: (number | string | Long);
  'disk_id'?: (number);
  'shard_sizes'?: (number | string | Long)[];
  'file_count'?: (number | string | Long);
  'delete_count'?: (number | string | Long);
  'encode_ts_ns'?: (number | string | Long);
}

export interface VolumeEcShardInformationMessage__Output {
  'id': (number);
  'collection': (string);
  'ec_index_bits': (number);
  'disk_type': (string);
  'expire_at_sec': (string);
  'disk_id': (number);
  'shard_sizes': (string)[];
  'file_count': (string);
  'delete_count': (string);
  'encode_ts_ns': (string);
}
