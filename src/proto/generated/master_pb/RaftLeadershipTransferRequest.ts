// Original file: proto/master.proto


export interface RaftLeadershipTransferRequest {
  'target_id'?: (string);
  'target_address'?: (string);
}

export interface RaftLeadershipTransferRequest__Output {
  'target_id': (string);
  'target_address': (string);
}
