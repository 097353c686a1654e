// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeCopyResponse {
  'last_append_at_ns'?: (number | string | Long);
  'processed_bytes'?: (number | string | Long);
}

export interface VolumeCopyResponse__Output {
  'last_append_at_ns': (string);
  'processed_bytes': (string);
}
