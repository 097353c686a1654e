// Original file: proto/master.proto


export interface KeepConnectedRequest {
  'client_type'?: (string);
  'client_address'?: (string);
  'version'?: (string);
  'filer_group'?: (string);
  'data_center'?: (string);
  'rack'?: (string);
  'leave_lock_ring'?: (boolean);
}

export interface KeepConnectedRequest__Output {
  'client_type': (string);
  'client_address': (string);
  'version': (string);
  'filer_group': (string);
  'data_center': (string);
  'rack': (string);
  'leave_lock_ring': (boolean);
}
