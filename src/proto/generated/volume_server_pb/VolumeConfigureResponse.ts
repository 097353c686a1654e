// Original file: proto/volume_server.proto


export interface VolumeConfigureResponse {
  'error'?: (string);
}

export interface VolumeConfigureResponse__Output {
  'error': (string);
}
