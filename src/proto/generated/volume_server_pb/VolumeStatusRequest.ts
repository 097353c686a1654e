// Original file: proto/volume_server.proto


export interface VolumeStatusRequest {
  'volume_id'?: (number);
}

export interface VolumeStatusRequest__Output {
  'volume_id': (number);
}
