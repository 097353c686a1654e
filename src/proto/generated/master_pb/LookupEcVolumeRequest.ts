// Original file: proto/master.proto


export interface LookupEcVolumeRequest {
  'volume_id'?: (number);
}

export interface LookupEcVolumeRequest__Output {
  'volume_id': (number);
}
