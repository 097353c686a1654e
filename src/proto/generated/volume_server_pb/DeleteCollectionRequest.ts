// Original file: proto/volume_server.proto


export interface DeleteCollectionRequest {
  'collection'?: (string);
}

export interface DeleteCollectionRequest__Output {
  'collection': (string);
}
