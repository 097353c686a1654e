// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VacuumVolumeCompactRequest {
  'volume_id'?: (number);
  'preallocate'?: (number | string | Long);
}

export interface VacuumVolumeCompactRequest__Output {
  'volume_id': (number);
  'preallocate': (string);
}
