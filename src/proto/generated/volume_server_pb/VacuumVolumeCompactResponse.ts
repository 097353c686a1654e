// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VacuumVolumeCompactResponse {
  'processed_bytes'?: (number | string | Long);
  'load_avg_1m'?: (number | string);
}

export interface VacuumVolumeCompactResponse__Output {
  'processed_bytes': (string);
  'load_avg_1m': (number);
}
