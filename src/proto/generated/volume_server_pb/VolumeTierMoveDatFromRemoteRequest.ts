// Original file: proto/volume_server.proto


export interface VolumeTierMoveDatFromRemoteRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'keep_remote_dat_file'?: (boolean);
  'concurrency'?: (number);
}

export interface VolumeTierMoveDatFromRemoteRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'keep_remote_dat_file': (boolean);
  'concurrency': (number);
}
