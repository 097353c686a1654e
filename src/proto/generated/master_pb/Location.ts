// Original file: proto/master.proto


export interface Location {
  'url'?: (string);
  'public_url'?: (string);
  'grpc_port'?: (number);
  'data_center'?: (string);
  'data_in_remote'?: (boolean);
  'read_only'?: (boolean);
  'read_only_can_delete'?: (boolean);
}

export interface Location__Output {
  'url': (string);
  'public_url': (string);
  'grpc_port': (number);
  'data_center': (string);
  'data_in_remote': (boolean);
  'read_only': (boolean);
  'read_only_can_delete': (boolean);
}
