// Original file: proto/master.proto


export interface CollectionDeleteRequest {
  'name'?: (string);
}

export interface CollectionDeleteRequest__Output {
  'name': (string);
}
