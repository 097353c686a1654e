// Original file: proto/volume_server.proto


export interface BatchDeleteRequest {
  'file_ids'?: (string)[];
  'skip_cookie_check'?: (boolean);
}

export interface BatchDeleteRequest__Output {
  'file_ids': (string)[];
  'skip_cookie_check': (boolean);
}
