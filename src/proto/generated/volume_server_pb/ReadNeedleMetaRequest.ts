// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadNeedleMetaRequest {
  'volume_id'?: (number);
  'needle_id'?: (number | string | Long);
  'offset'?: (number | string | Long);
  'size'?: (number);
}

export interface ReadNeedleMetaRequest__Output {
  'volume_id': (number);
  'needle_id': (string);
  'offset': (string);
  'size': (number);
}
