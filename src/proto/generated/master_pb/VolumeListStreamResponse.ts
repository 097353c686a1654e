// Original file: proto/master.proto

import type { VolumeListResponse as _master_pb_VolumeListResponse, VolumeListResponse__Output as _master_pb_VolumeListResponse__Output } from '../master_pb/VolumeListResponse.ts';
import type { VolumeInformationMessage as _master_pb_VolumeInformationMessage, VolumeInformationMessage__Output as _master_pb_VolumeInformationMessage__Output } from '../master_pb/VolumeInformationMessage.ts';
import type { VolumeEcShardInformationMessage as _master_pb_VolumeEcShardInformationMessage, VolumeEcShardInformationMessage__Output as _master_pb_VolumeEcShardInformationMessage__Output } from '../master_pb/VolumeEcShardInformationMessage.ts';

export interface VolumeListStreamResponse {
  'header'?: (_master_pb_VolumeListResponse | null);
  'data_center'?: (string);
  'rack'?: (string);
  'data_node'?: (string);
  'disk_type'?: (string);
  'volume_infos'?: (_master_pb_VolumeInformationMessage)[];
  'ec_shard_infos'?: (_master_pb_VolumeEcShardInformationMessage)[];
}

export interface VolumeListStreamResponse__Output {
  'header': (_master_pb_VolumeListResponse__Output | null);
  'data_center': (string);
  'rack': (string);
  'data_node': (string);
  'disk_type': (string);
  'volume_infos': (_master_pb_VolumeInformationMessage__Output)[];
  'ec_shard_infos': (_master_pb_VolumeEcShardInformationMessage__Output)[];
}
