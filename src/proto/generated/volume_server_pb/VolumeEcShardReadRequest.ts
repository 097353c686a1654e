// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardReadRequest {
  'volume_id'?: (number);
  'shard_id'?: (number);
  'offset'?: (number | string | Long);
  'size'?: (number | string | Long);
  'file_key'?: (number | string | Long);
  'encode_ts_ns'?: (number | string | Long);
}

export interface VolumeEcShardReadRequest__Output {
  'volume_id': (number);
  'shard_id': (number);
  'offset': (string);
  'size': (string);
  'file_key': (string);
  'encode_ts_ns': (string);
}
