// Original file: proto/volume_server.proto


export interface VolumeIncrementalCopyResponse {
  'file_content'?: (Buffer | Uint8Array | string);
  'idx_content'?: (Buffer | Uint8Array | string);
}

export interface VolumeIncrementalCopyResponse__Output {
  'file_content': (Buffer);
  'idx_content': (Buffer);
}
