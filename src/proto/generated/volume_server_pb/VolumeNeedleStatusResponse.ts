// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeNeedleStatusResponse {
  'needle_id'?: (number | string | Long);
  'cookie'?: (number);
  'size'?: (number);
  'last_modified'?: (number | string | Long);
  'crc'?: (number);
  'ttl'?: (string);
}

export interface VolumeNeedleStatusResponse__Output {
  'needle_id': (string);
  'cookie': (number);
  'size': (number);
  'last_modified': (string);
  'crc': (number);
  'ttl': (string);
}
