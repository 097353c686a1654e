// Original file: proto/volume_server.proto

import type { DeleteResult as _volume_server_pb_DeleteResult, DeleteResult__Output as _volume_server_pb_DeleteResult__Output } from '../volume_server_pb/DeleteResult.ts';

export interface BatchDeleteResponse {
  'results'?: (_volume_server_pb_DeleteResult)[];
}

export interface BatchDeleteResponse__Output {
  'results': (_volume_server_pb_DeleteResult__Output)[];
}
