// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeTierMoveDatFromRemoteResponse {
  'processed'?: (number | string | Long);
  'processedPercentage'?: (number | string);
}

export interface VolumeTierMoveDatFromRemoteResponse__Output {
  'processed': (string);
  'processedPercentage': (number);
}
