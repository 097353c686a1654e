// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface RemoteFile {
  'backend_type'?: (string);
  'backend_id'?: (string);
  'key'?: (string);
  'offset'?: (number | string | Long);
  'file_size'?: (number | string | Long);
  'modified_time'?: (number | string | Long);
  'extension'?: (string);
}

export interface RemoteFile__Output {
  'backend_type': (string);
  'backend_id': (string);
  'key': (string);
  'offset': (string);
  'file_size': (string);
  'modified_time': (string);
  'extension': (string);
}
