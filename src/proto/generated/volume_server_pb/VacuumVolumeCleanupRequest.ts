// Original file: proto/volume_server.proto


export interface VacuumVolumeCleanupRequest {
  'volume_id'?: (number);
}

export interface VacuumVolumeCleanupRequest__Output {
  'volume_id': (number);
}
