// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseAdminTokenResponse {
  'token'?: (number | string | Long);
  'lock_ts_ns'?: (number | string | Long);
}

export interface LeaseAdminTokenResponse__Output {
  'token': (string);
  'lock_ts_ns': (string);
}
