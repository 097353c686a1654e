// Original file: proto/master.proto


export interface Collection {
  'name'?: (string);
}

export interface Collection__Output {
  'name': (string);
}
