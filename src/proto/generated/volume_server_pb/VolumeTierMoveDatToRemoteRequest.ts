// Original file: proto/volume_server.proto


export interface VolumeTierMoveDatToRemoteRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'destination_backend_name'?: (string);
  'keep_local_dat_file'?: (boolean);
  'concurrency'?: (number);
}

export interface VolumeTierMoveDatToRemoteRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'destination_backend_name': (string);
  'keep_local_dat_file': (boolean);
  'concurrency': (number);
}
