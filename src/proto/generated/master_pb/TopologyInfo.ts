// Original file: proto/master.proto

import type { DataCenterInfo as _master_pb_DataCenterInfo, DataCenterInfo__Output as _master_pb_DataCenterInfo__Output } from '../master_pb/DataCenterInfo.ts';
import type { DiskInfo as _master_pb_DiskInfo, DiskInfo__Output as _master_pb_DiskInfo__Output } from '../master_pb/DiskInfo.ts';

export interface TopologyInfo {
  'id'?: (string);
  'data_center_infos'?: (_master_pb_DataCenterInfo)[];
  'diskInfos'?: ({[key: string]: _master_pb_DiskInfo});
}

export interface TopologyInfo__Output {
  'id': (string);
  'data_center_infos': (_master_pb_DataCenterInfo__Output)[];
  'diskInfos': ({[key: string]: _master_pb_DiskInfo__Output});
}
