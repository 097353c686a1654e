// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface EcShardConfig {
  'data_shards'?: (number);
  'parity_shards'?: (number);
  'encode_ts_ns'?: (number | string | Long);
  'block_size'?: (number | string | Long);
}

export interface EcShardConfig__Output {
  'data_shards': (number);
  'parity_shards': (number);
  'encode_ts_ns': (string);
  'block_size': (string);
}
