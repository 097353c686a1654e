// Original file: proto/master.proto


export interface VolumeGrowRequest {
  'writable_volume_count'?: (number);
  'replication'?: (string);
  'collection'?: (string);
  'ttl'?: (string);
  'data_center'?: (string);
  'rack'?: (string);
  'data_node'?: (string);
  'memory_map_max_size_mb'?: (number);
  'disk_type'?: (string);
  'grow_avg_fill_threshold'?: (number | string);
}

export interface VolumeGrowRequest__Output {
  'writable_volume_count': (number);
  'replication': (string);
  'collection': (string);
  'ttl': (string);
  'data_center': (string);
  'rack': (string);
  'data_node': (string);
  'memory_map_max_size_mb': (number);
  'disk_type': (string);
  'grow_avg_fill_threshold': (number);
}
