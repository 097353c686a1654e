// Original file: proto/volume_server.proto


export interface VacuumVolumeCheckResponse {
  'garbage_ratio'?: (number | string);
  'disk_space_low'?: (boolean);
}

export interface VacuumVolumeCheckResponse__Output {
  'garbage_ratio': (number);
  'disk_space_low': (boolean);
}
