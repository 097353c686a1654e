// Original file: proto/master.proto


export interface _master_pb_SuperBlockExtra_ErasureCoding {
  'data'?: (number);
  'parity'?: (number);
  'volume_ids'?: (number)[];
}

export interface _master_pb_SuperBlockExtra_ErasureCoding__Output {
  'data': (number);
  'parity': (number);
  'volume_ids': (number)[];
}

export interface SuperBlockExtra {
  'erasure_coding'?: (_master_pb_SuperBlockExtra_ErasureCoding | null);
}

export interface SuperBlockExtra__Output {
  'erasure_coding': (_master_pb_SuperBlockExtra_ErasureCoding__Output | null);
}
