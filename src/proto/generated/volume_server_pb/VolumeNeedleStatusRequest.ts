// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeNeedleStatusRequest {
  'volume_id'?: (number);
  'needle_id'?: (number | string | Long);
}

export interface VolumeNeedleStatusRequest__Output {
  'volume_id': (number);
  'needle_id': (string);
}
