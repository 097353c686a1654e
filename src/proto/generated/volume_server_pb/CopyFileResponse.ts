// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface CopyFileResponse {
  'file_content'?: (Buffer | Uint8Array | string);
  'modified_ts_ns'?: (number | string | Long);
}

export interface CopyFileResponse__Output {
  'file_content': (Buffer);
  'modified_ts_ns': (string);
}
