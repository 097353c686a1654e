// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseAdminTokenRequest {
  'previous_token'?: (number | string | Long);
  'previous_lock_time'?: (number | string | Long);
  'lock_name'?: (string);
  'client_name'?: (string);
  'message'?: (string);
}

export interface LeaseAdminTokenRequest__Output {
  'previous_token': (string);
  'previous_lock_time': (string);
  'lock_name': (string);
  'client_name': (string);
  'message': (string);
}
