// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface CollectionStatistics {
  'collection'?: (string);
  'file_count'?: (number | string | Long);
  'delete_count'?: (number | string | Long);
  'deleted_byte_count'?: (number | string | Long);
  'size'?: (number | string | Long);
  'physical_size'?: (number | string | Long);
  'volume_count'?: (number | string | Long);
}

export interface CollectionStatistics__Output {
  'collection': (string);
  'file_count': (string);
  'delete_count': (string);
  'deleted_byte_count': (string);
  'size': (string);
  'physical_size': (string);
  'volume_count': (string);
}
