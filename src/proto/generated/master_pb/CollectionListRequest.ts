// Original file: proto/master.proto


export interface CollectionListRequest {
  'include_normal_volumes'?: (boolean);
  'include_ec_volumes'?: (boolean);
}

export interface CollectionListRequest__Output {
  'include_normal_volumes': (boolean);
  'include_ec_volumes': (boolean);
}
