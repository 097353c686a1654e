// Original file: proto/master.proto

import type { Location as _master_pb_Location, Location__Output as _master_pb_Location__Output } from '../master_pb/Location.ts';

export interface _master_pb_LookupVolumeResponse_VolumeIdLocation {
  'volume_or_file_id'?: (string);
  'locations'?: (_master_pb_Location)[];
  'error'?: (string);
  'auth'?: (string);
}

export interface _master_pb_LookupVolumeResponse_VolumeIdLocation__Output {
  'volume_or_file_id': (string);
  'locations': (_master_pb_Location__Output)[];
  'error': (string);
  'auth': (string);
}

export interface LookupVolumeResponse {
  'volume_id_locations'?: (_master_pb_LookupVolumeResponse_VolumeIdLocation)[];
}

export interface LookupVolumeResponse__Output {
  'volume_id_locations': (_master_pb_LookupVolumeResponse_VolumeIdLocation__Output)[];
}
