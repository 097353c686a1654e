// Original file: proto/master.proto

import type { DiskInfo as _master_pb_DiskInfo, DiskInfo__Output as _master_pb_DiskInfo__Output } from '../master_pb/DiskInfo.ts';

export interface DataNodeInfo {
  'id'?: (string);
  'diskInfos'?: ({[key: string]: _master_pb_DiskInfo});
  'grpc_port'?: (number);
  'address'?: (string);
}

export interface DataNodeInfo__Output {
  'id': (string);
  'diskInfos': ({[key: string]: _master_pb_DiskInfo__Output});
  'grpc_port': (number);
  'address': (string);
}
