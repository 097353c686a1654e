// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardsUnmountRequest {
  'volume_id'?: (number);
  'shard_ids'?: (number)[];
  'encode_ts_ns'?: (number | string | Long);
}

export interface VolumeEcShardsUnmountRequest__Output {
  'volume_id': (number);
  'shard_ids': (number)[];
  'encode_ts_ns': (string);
}
