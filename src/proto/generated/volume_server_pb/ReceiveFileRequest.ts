// Original file: proto/volume_server.proto

import type { ReceiveFileInfo as _volume_server_pb_ReceiveFileInfo, ReceiveFileInfo__Output as _volume_server_pb_ReceiveFileInfo__Output } from '../volume_server_pb/ReceiveFileInfo.ts';

export interface ReceiveFileRequest {
  'info'?: (_volume_server_pb_ReceiveFileInfo | null);
  'file_content'?: (Buffer | Uint8Array | string);
  'data'?: "info"|"file_content";
}

export interface ReceiveFileRequest__Output {
  'info'?: (_volume_server_pb_ReceiveFileInfo__Output | null);
  'file_content'?: (Buffer);
  'data'?: "info"|"file_content";
}
