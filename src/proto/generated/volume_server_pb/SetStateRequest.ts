// Original file: proto/volume_server.proto

import type { VolumeServerState as _volume_server_pb_VolumeServerState, VolumeServerState__Output as _volume_server_pb_VolumeServerState__Output } from '../volume_server_pb/VolumeServerState.ts';

export interface SetStateRequest {
  'state'?: (_volume_server_pb_VolumeServerState | null);
}

export interface SetStateRequest__Output {
  'state': (_volume_server_pb_VolumeServerState__Output | null);
}
