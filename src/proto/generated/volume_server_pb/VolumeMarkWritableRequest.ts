// Original file: proto/volume_server.proto


export interface VolumeMarkWritableRequest {
  'volume_id'?: (number);
}

export interface VolumeMarkWritableRequest__Output {
  'volume_id': (number);
}
