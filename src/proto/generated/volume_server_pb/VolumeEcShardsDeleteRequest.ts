// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardsDeleteRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'shard_ids'?: (number)[];
  'full_teardown'?: (boolean);
  'encode_ts_ns'?: (number | string | Long);
  'delete_generations_older_than'?: (number);
}

export interface VolumeEcShardsDeleteRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'shard_ids': (number)[];
  'full_teardown': (boolean);
  'encode_ts_ns': (string);
  'delete_generations_older_than': (number);
}
