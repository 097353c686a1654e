// Original file: proto/volume_server.proto


export interface VolumeMarkReadonlyRequest {
  'volume_id'?: (number);
  'persist'?: (boolean);
  'can_delete'?: (boolean);
}

export interface VolumeMarkReadonlyRequest__Output {
  'volume_id': (number);
  'persist': (boolean);
  'can_delete': (boolean);
}
