// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface AssignRequest {
  'count'?: (number | string | Long);
  'replication'?: (string);
  'collection'?: (string);
  'ttl'?: (string);
  'data_center'?: (string);
  'rack'?: (string);
  'data_node'?: (string);
  'memory_map_max_size_mb'?: (number);
  'writable_volume_count'?: (number);
  'disk_type'?: (string);
  'expected_data_size'?: (number | string | Long);
}

export interface AssignRequest__Output {
  'count': (string);
  'replication': (string);
  'collection': (string);
  'ttl': (string);
  'data_center': (string);
  'rack': (string);
  'data_node': (string);
  'memory_map_max_size_mb': (number);
  'writable_volume_count': (number);
  'disk_type': (string);
  'expected_data_size': (string);
}
