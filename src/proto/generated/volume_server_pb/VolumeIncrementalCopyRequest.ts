// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeIncrementalCopyRequest {
  'volume_id'?: (number);
  'since_ns'?: (number | string | Long);
  'entry_count'?: (number | string | Long);
  'last_needle_key'?: (number | string | Long);
  'last_needle_cookie'?: (number);
  'last_needle_size'?: (number);
  'entries_hash'?: (number | string | Long);
}

export interface VolumeIncrementalCopyRequest__Output {
  'volume_id': (number);
  'since_ns': (string);
  'entry_count': (string);
  'last_needle_key': (string);
  'last_needle_cookie': (number);
  'last_needle_size': (number);
  'entries_hash': (string);
}
