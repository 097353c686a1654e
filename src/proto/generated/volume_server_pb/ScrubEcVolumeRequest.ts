// Original file: proto/volume_server.proto

import type { VolumeScrubMode as _volume_server_pb_VolumeScrubMode, VolumeScrubMode__Output as _volume_server_pb_VolumeScrubMode__Output } from '../volume_server_pb/VolumeScrubMode.ts';

export interface ScrubEcVolumeRequest {
  'mode'?: (_volume_server_pb_VolumeScrubMode);
  'volume_ids'?: (number)[];
  'force_deleted_needles_check'?: (boolean);
}

export interface ScrubEcVolumeRequest__Output {
  'mode': (_volume_server_pb_VolumeScrubMode__Output);
  'volume_ids': (number)[];
  'force_deleted_needles_check': (boolean);
}
