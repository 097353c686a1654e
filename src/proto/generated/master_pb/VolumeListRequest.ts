// Original file: proto/master.proto


export interface VolumeListRequest {
  'collection'?: (string);
  'volume_ids'?: (number)[];
  'default_collection_only'?: (boolean);
  'remote_storage_name'?: (string);
  'local_volume_only'?: (boolean);
  'topology_only'?: (boolean);
}

export interface VolumeListRequest__Output {
  'collection': (string);
  'volume_ids': (number)[];
  'default_collection_only': (boolean);
  'remote_storage_name': (string);
  'local_volume_only': (boolean);
  'topology_only': (boolean);
}
