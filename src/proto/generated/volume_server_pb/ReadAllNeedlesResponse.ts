// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadAllNeedlesResponse {
  'volume_id'?: (number);
  'needle_id'?: (number | string | Long);
  'cookie'?: (number);
  'needle_blob'?: (Buffer | Uint8Array | string);
  'needle_blob_compressed'?: (boolean);
  'last_modified'?: (number | string | Long);
  'crc'?: (number);
  'name'?: (Buffer | Uint8Array | string);
  'mime'?: (Buffer | Uint8Array | string);
}

export interface ReadAllNeedlesResponse__Output {
  'volume_id': (number);
  'needle_id': (string);
  'cookie': (number);
  'needle_blob': (Buffer);
  'needle_blob_compressed': (boolean);
  'last_modified': (string);
  'crc': (number);
  'name': (Buffer);
  'mime': (Buffer);
}
