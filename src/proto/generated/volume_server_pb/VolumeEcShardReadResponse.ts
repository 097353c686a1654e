// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardReadResponse {
  'data'?: (Buffer | Uint8Array | string);
  'is_deleted'?: (boolean);
  'encode_ts_ns'?: (number | string | Long);
}

export interface VolumeEcShardReadResponse__Output {
  'data': (Buffer);
  'is_deleted': (boolean);
  'encode_ts_ns': (string);
}
