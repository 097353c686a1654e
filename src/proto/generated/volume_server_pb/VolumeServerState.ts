// Original file: proto/volume_server.proto


export interface VolumeServerState {
  'maintenance'?: (boolean);
  'version'?: (number);
}

export interface VolumeServerState__Output {
  'maintenance': (boolean);
  'version': (number);
}
