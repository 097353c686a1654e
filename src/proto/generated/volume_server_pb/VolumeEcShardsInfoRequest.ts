// Original file: proto/volume_server.proto


export interface VolumeEcShardsInfoRequest {
  'volume_id'?: (number);
}

export interface VolumeEcShardsInfoRequest__Output {
  'volume_id': (number);
}
