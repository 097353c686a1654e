// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface _master_pb_ListClusterNodesResponse_ClusterNode {
  'address'?: (string);
  'version'?: (string);
  'created_at_ns'?: (number | string | Long);
  'data_center'?: (string);
  'rack'?: (string);
}

export interface _master_pb_ListClusterNodesResponse_ClusterNode__Output {
  'address': (string);
  'version': (string);
  'created_at_ns': (string);
  'data_center': (string);
  'rack': (string);
}

export interface ListClusterNodesResponse {
  'cluster_nodes'?: (_master_pb_ListClusterNodesResponse_ClusterNode)[];
}

export interface ListClusterNodesResponse__Output {
  'cluster_nodes': (_master_pb_ListClusterNodesResponse_ClusterNode__Output)[];
}
