// Original file: proto/volume_server.proto


export interface VacuumVolumeCommitRequest {
  'volume_id'?: (number);
}

export interface VacuumVolumeCommitRequest__Output {
  'volume_id': (number);
}
