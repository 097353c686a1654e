// Original file: proto/master.proto


export interface PingRequest {
  'target'?: (string);
  'target_type'?: (string);
}

export interface PingRequest__Output {
  'target': (string);
  'target_type': (string);
}
