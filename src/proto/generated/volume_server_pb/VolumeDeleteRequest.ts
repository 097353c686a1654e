// Original file: proto/volume_server.proto


export interface VolumeDeleteRequest {
  'volume_id'?: (number);
  'only_empty'?: (boolean);
  'keep_remote_data'?: (boolean);
  'only_garbage'?: (boolean);
}

export interface VolumeDeleteRequest__Output {
  'volume_id': (number);
  'only_empty': (boolean);
  'keep_remote_data': (boolean);
  'only_garbage': (boolean);
}
