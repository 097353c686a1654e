// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface AllocateVolumeRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'preallocate'?: (number | string | Long);
  'replication'?: (string);
  'ttl'?: (string);
  'memory_map_max_size_mb'?: (number);
  'disk_type'?: (string);
  'version'?: (number);
}

export interface AllocateVolumeRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'preallocate': (string);
  'replication': (string);
  'ttl': (string);
  'memory_map_max_size_mb': (number);
  'disk_type': (string);
  'version': (number);
}
