// Original file: proto/volume_server.proto


export interface VolumeEcShardsMountRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'shard_ids'?: (number)[];
  'source_disk_type'?: (string);
  'recover_missing_index'?: (boolean);
}

export interface VolumeEcShardsMountRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'shard_ids': (number)[];
  'source_disk_type': (string);
  'recover_missing_index': (boolean);
}
