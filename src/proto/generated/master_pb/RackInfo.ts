// Original file: proto/master.proto

import type { DataNodeInfo as _master_pb_DataNodeInfo, DataNodeInfo__Output as _master_pb_DataNodeInfo__Output } from '../master_pb/DataNodeInfo.ts';
import type { DiskInfo as _master_pb_DiskInfo, DiskInfo__Output as _master_pb_DiskInfo__Output } from '../master_pb/DiskInfo.ts';

export interface RackInfo {
  'id'?: (string);
  'data_node_infos'?: (_master_pb_DataNodeInfo)[];
  'diskInfos'?: ({[key: string]: _master_pb_DiskInfo});
}

export interface RackInfo__Output {
  'id': (string);
  'data_node_infos': (_master_pb_DataNodeInfo__Output)[];
  'diskInfos': ({[key: string]: _master_pb_DiskInfo__Output});
}
