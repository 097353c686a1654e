// Original file: proto/volume_server.proto


export interface VolumeEcShardsDeleteResponse {
  'full_teardown_done'?: (boolean);
}

export interface VolumeEcShardsDeleteResponse__Output {
  'full_teardown_done': (boolean);
}
