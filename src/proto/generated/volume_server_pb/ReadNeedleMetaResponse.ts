// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadNeedleMetaResponse {
  'cookie'?: (number);
  'last_modified'?: (number | string | Long);
  'crc'?: (number);
  'ttl'?: (string);
  'append_at_ns'?: (number | string | Long);
}

export interface ReadNeedleMetaResponse__Output {
  'cookie': (number);
  'last_modified': (string);
  'crc': (number);
  'ttl': (string);
  'append_at_ns': (string);
}
