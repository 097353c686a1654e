// Original file: proto/master.proto


export interface RaftLeadershipTransferResponse {
  'previous_leader'?: (string);
  'new_leader'?: (string);
}

export interface RaftLeadershipTransferResponse__Output {
  'previous_leader': (string);
  'new_leader': (string);
}
