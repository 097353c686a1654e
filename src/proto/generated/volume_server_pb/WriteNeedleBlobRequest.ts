// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface WriteNeedleBlobRequest {
  'volume_id'?: (number);
  'needle_id'?: (number | string | Long);
  'size'?: (number);
  'needle_blob'?: (Buffer | Uint8Array | string);
}

export interface WriteNeedleBlobRequest__Output {
  'volume_id': (number);
  'needle_id': (string);
  'size': (number);
  'needle_blob': (Buffer);
}
