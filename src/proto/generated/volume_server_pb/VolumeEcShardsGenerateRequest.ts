// Original file: proto/volume_server.proto


export interface VolumeEcShardsGenerateRequest {
  'volume_id'?: (number);
  'collection'?: (string);
}

export interface VolumeEcShardsGenerateRequest__Output {
  'volume_id': (number);
  'collection': (string);
}
