// Original file: proto/master.proto


export interface RaftAddServerRequest {
  'id'?: (string);
  'address'?: (string);
  'voter'?: (boolean);
}

export interface RaftAddServerRequest__Output {
  'id': (string);
  'address': (string);
  'voter': (boolean);
}
