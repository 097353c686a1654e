// Original file: proto/volume_server.proto

import type { VolumeScrubMode as _volume_server_pb_VolumeScrubMode, VolumeScrubMode__Output as _volume_server_pb_VolumeScrubMode__Output } from '../volume_server_pb/VolumeScrubMode.ts';

export interface ScrubVolumeRequest {
  'mode'?: (_volume_server_pb_VolumeScrubMode);
  'volume_ids'?: (number)[];
  'mark_broken_volumes_readonly'?: (boolean);
}

export interface ScrubVolumeRequest__Output {
  'mode': (_volume_server_pb_VolumeScrubMode__Output);
  'volume_ids': (number)[];
  'mark_broken_volumes_readonly': (boolean);
}
