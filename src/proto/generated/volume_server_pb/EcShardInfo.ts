// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface EcShardInfo {
  'shard_id'?: (number);
  'size'?: (number | string | Long);
  'collection'?: (string);
  'volume_id'?: (number);
}

export interface EcShardInfo__Output {
  'shard_id': (number);
  'size': (string);
  'collection': (string);
  'volume_id': (number);
}
