// Original file: proto/master.proto


export interface ListClusterNodesRequest {
  'client_type'?: (string);
  'filer_group'?: (string);
  'limit'?: (number);
}

export interface ListClusterNodesRequest__Output {
  'client_type': (string);
  'filer_group': (string);
  'limit': (number);
}
