// Original file: proto/volume_server.proto


export interface ReadNeedleBlobResponse {
  'needle_blob'?: (Buffer | Uint8Array | string);
}

export interface ReadNeedleBlobResponse__Output {
  'needle_blob': (Buffer);
}
