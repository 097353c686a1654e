// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface DiskTag {
  'disk_id'?: (number);
  'tags'?: (string)[];
  'type'?: (string);
  'max_volume_count'?: (number | string | Long);
}

export interface DiskTag__Output {
  'disk_id': (number);
  'tags': (string)[];
  'type': (string);
  'max_volume_count': (string);
}
