// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeTailReceiverRequest {
  'volume_id'?: (number);
  'since_ns'?: (number | string | Long);
  'idle_timeout_seconds'?: (number);
  'source_volume_server'?: (string);
}

export interface VolumeTailReceiverRequest__Output {
  'volume_id': (number);
  'since_ns': (string);
  'idle_timeout_seconds': (number);
  'source_volume_server': (string);
}
