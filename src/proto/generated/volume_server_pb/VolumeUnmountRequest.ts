// Original file: proto/volume_server.proto


export interface VolumeUnmountRequest {
  'volume_id'?: (number);
}

export interface VolumeUnmountRequest__Output {
  'volume_id': (number);
}
