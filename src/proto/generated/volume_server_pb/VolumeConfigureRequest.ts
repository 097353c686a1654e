// Original file: proto/volume_server.proto


export interface VolumeConfigureRequest {
  'volume_id'?: (number);
  'replication'?: (string);
}

export interface VolumeConfigureRequest__Output {
  'volume_id': (number);
  'replication': (string);
}
