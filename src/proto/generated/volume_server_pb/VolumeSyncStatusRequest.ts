// Original file: proto/volume_server.proto


export interface VolumeSyncStatusRequest {
  'volume_id'?: (number);
}

export interface VolumeSyncStatusRequest__Output {
  'volume_id': (number);
}
