// Original file: proto/master.proto


export interface VolumeMarkReadonlyRequest {
  'ip'?: (string);
  'port'?: (number);
  'volume_id'?: (number);
  'collection'?: (string);
  'replica_placement'?: (number);
  'version'?: (number);
  'ttl'?: (number);
  'disk_type'?: (string);
  'is_readonly'?: (boolean);
}

export interface VolumeMarkReadonlyRequest__Output {
  'ip': (string);
  'port': (number);
  'volume_id': (number);
  'collection': (string);
  'replica_placement': (number);
  'version': (number);
  'ttl': (number);
  'disk_type': (string);
  'is_readonly': (boolean);
}
