// Original file: proto/master.proto

import type { TopologyInfo as _master_pb_TopologyInfo, TopologyInfo__Output as _master_pb_TopologyInfo__Output } from '../master_pb/TopologyInfo.ts';
import type { Long } from '@grpc/proto-loader';

export interface VolumeListResponse {
  'topology_info'?: (_master_pb_TopologyInfo | null);
  'volume_size_limit_mb'?: (number | string | Long);
}

export interface VolumeListResponse__Output {
  'topology_info': (_master_pb_TopologyInfo__Output | null);
  'volume_size_limit_mb': (string);
}
