// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VacuumVolumeCommitResponse {
  'is_read_only'?: (boolean);
  'volume_size'?: (number | string | Long);
}

export interface VacuumVolumeCommitResponse__Output {
  'is_read_only': (boolean);
  'volume_size': (string);
}
