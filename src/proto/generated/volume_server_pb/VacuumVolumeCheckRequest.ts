// Original file: proto/volume_server.proto


export interface VacuumVolumeCheckRequest {
  'volume_id'?: (number);
}

export interface VacuumVolumeCheckRequest__Output {
  'volume_id': (number);
}
