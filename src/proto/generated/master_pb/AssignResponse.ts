// Original file: proto/master.proto

import type { Location as _master_pb_Location, Location__Output as _master_pb_Location__Output } from '../master_pb/Location.ts';
import type { Long } from '@grpc/proto-loader';

export interface AssignResponse {
  'fid'?: (string);
  'count'?: (number | string | Long);
  'error'?: (string);
  'auth'?: (string);
  'replicas'?: (_master_pb_Location)[];
  'location'?: (_master_pb_Location | null);
}

export interface AssignResponse__Output {
  'fid': (string);
  'count': (string);
  'error': (string);
  'auth': (string);
  'replicas': (_master_pb_Location__Output)[];
  'location': (_master_pb_Location__Output | null);
}
