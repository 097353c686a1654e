// Original file: proto/master.proto


export interface VolumeShortInformationMessage {
  'id'?: (number);
  'collection'?: (string);
  'replica_placement'?: (number);
  'version'?: (number);
  'ttl'?: (number);
  'disk_type'?: (string);
  'disk_id'?: (number);
  'read_only'?: (boolean);
  'read_only_can_delete'?: (boolean);
}

export interface VolumeShortInformationMessage__Output {
  'id': (number);
  'collection': (string);
  'replica_placement': (number);
  'version': (number);
  'ttl': (number);
  'disk_type': (string);
  'disk_id': (number);
  'read_only': (boolean);
  'read_only_can_delete': (boolean);
}
