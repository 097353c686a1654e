// Original file: proto/master.proto

import type { RackInfo as _master_pb_RackInfo, RackInfo__Output as _master_pb_RackInfo__Output } from '../master_pb/RackInfo.ts';
import type { DiskInfo as _master_pb_DiskInfo, DiskInfo__Output as _master_pb_DiskInfo__Output } from '../master_pb/DiskInfo.ts';

export interface DataCenterInfo {
  'id'?: (string);
  'rack_infos'?: (_master_pb_RackInfo)[];
  'diskInfos'?: ({[key: string]: _master_pb_DiskInfo});
}

export interface DataCenterInfo__Output {
  'id': (string);
  'rack_infos': (_master_pb_RackInfo__Output)[];
  'diskInfos': ({[key: string]: _master_pb_DiskInfo__Output});
}
