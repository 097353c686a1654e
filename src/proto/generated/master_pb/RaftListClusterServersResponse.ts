// Original file: proto/master.proto


export interface _master_pb_RaftListClusterServersResponse_ClusterServers {
  'id'?: (string);
  'address'?: (string);
  'suffrage'?: (string);
  'isLeader'?: (boolean);
}

export interface _master_pb_RaftListClusterServersResponse_ClusterServers__Output {
  'id': (string);
  'address': (string);
  'suffrage': (string);
  'isLeader': (boolean);
}

export interface RaftListClusterServersResponse {
  'cluster_servers'?: (_master_pb_RaftListClusterServersResponse_ClusterServers)[];
}

export interface RaftListClusterServersResponse__Output {
  'cluster_servers': (_master_pb_RaftListClusterServersResponse_ClusterServers__Output)[];
}
