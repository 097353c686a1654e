// Original file: proto/master.proto


export interface RaftRemoveServerRequest {
  'id'?: (string);
  'force'?: (boolean);
}

export interface RaftRemoveServerRequest__Output {
  'id': (string);
  'force': (boolean);
}
