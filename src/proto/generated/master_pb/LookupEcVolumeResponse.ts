// Original file: proto/master.proto

import type { Location as _master_pb_Location, Location__Output as _master_pb_Location__Output } from '../master_pb/Location.ts';

export interface _master_pb_LookupEcVolumeResponse_EcShardIdLocation {
  'shard_id'?: (number);
  'locations'?: (_master_pb_Location)[];
}

export interface _master_pb_LookupEcVolumeResponse_EcShardIdLocation__Output {
  'shard_id': (number);
  'locations': (_master_pb_Location__Output)[];
}

export interface LookupEcVolumeResponse {
  'volume_id'?: (number);
  'shard_id_locations'?: (_master_pb_LookupEcVolumeResponse_EcShardIdLocation)[];
}

export interface LookupEcVolumeResponse__Output {
  'volume_id': (number);
  'shard_id_locations': (_master_pb_LookupEcVolumeResponse_EcShardIdLocation__Output)[];
}
