// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeTierMoveDatToRemoteResponse {
  'processed'?: (number | string | Long);
  'processedPercentage'?: (number | string);
}

export interface VolumeTierMoveDatToRemoteResponse__Output {
  'processed': (string);
  'processedPercentage': (number);
}
