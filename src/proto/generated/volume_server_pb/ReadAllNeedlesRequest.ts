// Original file: proto/volume_server.proto


export interface ReadAllNeedlesRequest {
  'volume_ids'?: (number)[];
}

export interface ReadAllNeedlesRequest__Output {
  'volume_ids': (number)[];
}
