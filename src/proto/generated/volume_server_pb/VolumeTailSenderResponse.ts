// Original file: proto/volume_server.proto


export interface VolumeTailSenderResponse {
  'needle_header'?: (Buffer | Uint8Array | string);
  'needle_body'?: (Buffer | Uint8Array | string);
  'is_last_chunk'?: (boolean);
  'version'?: (number);
}

export interface VolumeTailSenderResponse__Output {
  'needle_header': (Buffer);
  'needle_body': (Buffer);
  'is_last_chunk': (boolean);
  'version': (number);
}
