// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeSyncStatusResponse {
  'volume_id'?: (number);
  'collection'?: (string);
  'replication'?: (string);
  'ttl'?: (string);
  'tail_offset'?: (number | string | Long);
  'compact_revision'?: (number);
  'idx_file_size'?: (number | string | Long);
  'version'?: (number);
}

export interface VolumeSyncStatusResponse__Output {
  'volume_id': (number);
  'collection': (string);
  'replication': (string);
  'ttl': (string);
  'tail_offset': (string);
  'compact_revision': (number);
  'idx_file_size': (string);
  'version': (number);
}
