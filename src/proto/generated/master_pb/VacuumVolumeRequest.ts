// Original file: proto/master.proto


export interface VacuumVolumeRequest {
  'garbage_threshold'?: (number | string);
  'volume_id'?: (number);
  'collection'?: (string);
}

export interface VacuumVolumeRequest__Output {
  'garbage_threshold': (number);
  'volume_id': (number);
  'collection': (string);
}
