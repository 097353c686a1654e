// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface ClusterNodeUpdate {
  'node_type'?: (string);
  'address'?: (string);
  'is_add'?: (boolean);
  'filer_group'?: (string);
  'created_at_ns'?: (number | string | Long);
}

export interface ClusterNodeUpdate__Output {
  'node_type': (string);
  'address': (string);
  'is_add': (boolean);
  'filer_group': (string);
  'created_at_ns': (string);
}
