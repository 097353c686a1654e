// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface EcShardChecksums {
  'shard_id'?: (number);
  'covered_size'?: (number | string | Long);
  'block_crc32c'?: (Buffer | Uint8Array | string);
}

export interface EcShardChecksums__Output {
  'shard_id': (number);
  'covered_size': (string);
  'block_crc32c': (Buffer);
}
