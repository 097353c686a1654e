// Original file: proto/volume_server.proto


export interface VolumeEcShardsToVolumeRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'from_staged'?: (boolean);
  'disk_type'?: (string);
}

export interface VolumeEcShardsToVolumeRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'from_staged': (boolean);
  'disk_type': (string);
}
