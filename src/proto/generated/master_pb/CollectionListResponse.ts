// Original file: proto/master.proto

import type { Collection as _master_pb_Collection, Collection__Output as _master_pb_Collection__Output } from '../master_pb/Collection.ts';

export interface CollectionListResponse {
  'collections'?: (_master_pb_Collection)[];
}

export interface CollectionListResponse__Output {
  'collections': (_master_pb_Collection__Output)[];
}
