// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeCopyRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'replication'?: (string);
  'ttl'?: (string);
  'source_data_node'?: (string);
  'disk_type'?: (string);
  'io_byte_per_second'?: (number | string | Long);
}

export interface VolumeCopyRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'replication': (string);
  'ttl': (string);
  'source_data_node': (string);
  'disk_type': (string);
  'io_byte_per_second': (string);
}
