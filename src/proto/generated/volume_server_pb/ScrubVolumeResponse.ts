// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ScrubVolumeResponse {
  'total_volumes'?: (number | string | Long);
  'total_files'?: (number | string | Long);
  'broken_volume_ids'?: (number)[];
  'details'?: (string)[];
}

export interface ScrubVolumeResponse__Output {
  'total_volumes': (string);
  'total_files': (string);
  'broken_volume_ids': (number)[];
  'details': (string)[];
}
