// Original file: proto/volume_server.proto


export interface ReadVolumeFileStatusRequest {
  'volume_id'?: (number);
}

export interface ReadVolumeFileStatusRequest__Output {
  'volume_id': (number);
}
