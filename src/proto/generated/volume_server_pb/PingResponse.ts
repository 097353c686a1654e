// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface PingResponse {
  'start_time_ns'?: (number | string | Long);
  'remote_time_ns'?: (number | string | Long);
  'stop_time_ns'?: (number | string | Long);
}

export interface PingResponse__Output {
  'start_time_ns': (string);
  'remote_time_ns': (string);
  'stop_time_ns': (string);
}
