// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcBlobDeleteRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'file_key'?: (number | string | Long);
  'version'?: (number);
}

export interface VolumeEcBlobDeleteRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'file_key': (string);
  'version': (number);
}
