// Original file: proto/volume_server.proto


export interface VolumeEcShardsRebuildRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'unsafe_ignore_sidecar'?: (boolean);
}

export interface VolumeEcShardsRebuildRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'unsafe_ignore_sidecar': (boolean);
}
