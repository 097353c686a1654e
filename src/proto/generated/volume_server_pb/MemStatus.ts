// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface MemStatus {
  'goroutines'?: (number);
  'all'?: (number | string | Long);
  'used'?: (number | string | Long);
  'free'?: (number | string | Long);
  'self'?: (number | string | Long);
  'heap'?: (number | string | Long);
  'stack'?: (number | string | Long);
}

export interface MemStatus__Output {
  'goroutines': (number);
  'all': (string);
  'used': (string);
  'free': (string);
  'self': (string);
  'heap': (string);
  'stack': (string);
}
