// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface StatisticsResponse {
  'total_size'?: (number | string | Long);
  'used_size'?: (number | string | Long);
  'file_count'?: (number | string | Long);
  'logical_total_size'?: (number | string | Long);
  'logical_used_size'?: (number | string | Long);
}

export interface StatisticsResponse__Output {
  'total_size': (string);
  'used_size': (string);
  'file_count': (string);
  'logical_total_size': (string);
  'logical_used_size': (string);
}
