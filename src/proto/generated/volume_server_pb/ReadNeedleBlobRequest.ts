// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadNeedleBlobRequest {
  'volume_id'?: (number);
  'offset'?: (number | string | Long);
  'size'?: (number);
}

export interface ReadNeedleBlobRequest__Output {
  'volume_id': (number);
  'offset': (string);
  'size': (number);
}
