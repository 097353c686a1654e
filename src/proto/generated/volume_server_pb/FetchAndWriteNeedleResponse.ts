// Original file: proto/volume_server.proto


export interface FetchAndWriteNeedleResponse {
  'e_tag'?: (string);
}

export interface FetchAndWriteNeedleResponse__Output {
  'e_tag': (string);
}
