// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeTailSenderRequest {
  'volume_id'?: (number);
  'since_ns'?: (number | string | Long);
  'idle_timeout_seconds'?: (number);
}

export interface VolumeTailSenderRequest__Output {
  'volume_id': (number);
  'since_ns': (string);
  'idle_timeout_seconds': (number);
}
