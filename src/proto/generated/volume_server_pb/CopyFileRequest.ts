// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface CopyFileRequest {
  'volume_id'?: (number);
  'ext'?: (string);
  'compaction_revision'?: (number);
  'stop_offset'?: (number | string | Long);
  'collection'?: (string);
  'is_ec_volume'?: (boolean);
  'ignore_source_file_not_found'?: (boolean);
}

export interface CopyFileRequest__Output {
  'volume_id': (number);
  'ext': (string);
  'compaction_revision': (number);
  'stop_offset': (string);
  'collection': (string);
  'is_ec_volume': (boolean);
  'ignore_source_file_not_found': (boolean);
}
