// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface LockRingUpdate {
  'filer_group'?: (string);
  'servers'?: (string)[];
  'version'?: (number | string | Long);
}

export interface LockRingUpdate__Output {
  'filer_group': (string);
  'servers': (string)[];
  'version': (string);
}
