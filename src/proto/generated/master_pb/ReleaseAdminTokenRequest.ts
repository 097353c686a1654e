// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface ReleaseAdminTokenRequest {
  'previous_token'?: (number | string | Long);
  'previous_lock_time'?: (number | string | Long);
  'lock_name'?: (string);
}

export interface ReleaseAdminTokenRequest__Output {
  'previous_token': (string);
  'previous_lock_time': (string);
  'lock_name': (string);
}
