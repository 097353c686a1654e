// Original file: proto/volume_server.proto


export interface PingRequest {
  'target'?: (string);
  'target_type'?: (string);
}

export interface PingRequest__Output {
  'target': (string);
  'target_type': (string);
}
