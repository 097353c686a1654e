// Original file: proto/master.proto

import type { CollectionStatistics as _master_pb_CollectionStatistics, CollectionStatistics__Output as _master_pb_CollectionStatistics__Output } from '../master_pb/CollectionStatistics.ts';

export interface CollectionStatisticsResponse {
  'collections'?: (_master_pb_CollectionStatistics)[];
}

export interface CollectionStatisticsResponse__Output {
  'collections': (_master_pb_CollectionStatistics__Output)[];
}
