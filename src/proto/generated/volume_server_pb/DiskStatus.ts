// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface DiskStatus {
  'dir'?: (string);
  'all'?: (number | string | Long);
  'used'?: (number | string | Long);
  'free'?: (number | string | Long);
  'percent_free'?: (number | string);
  'percent_used'?: (number | string);
  'disk_type'?: (string);
  'error'?: (string);
}

export interface DiskStatus__Output {
  'dir': (string);
  'all': (string);
  'used': (string);
  'free': (string);
  'percent_free': (number);
  'percent_used': (number);
  'disk_type': (string);
  'error': (string);
}
