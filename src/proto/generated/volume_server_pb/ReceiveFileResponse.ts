// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ReceiveFileResponse {
  'bytes_written'?: (number | string | Long);
  'error'?: (string);
}

export interface ReceiveFileResponse__Output {
  'bytes_written': (string);
  'error': (string);
}
