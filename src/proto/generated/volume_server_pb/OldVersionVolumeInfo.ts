// Original file: proto/volume_server.proto

import type { RemoteFile as _volume_server_pb_RemoteFile, RemoteFile__Output as _volume_server_pb_RemoteFile__Output } from '../volume_server_pb/RemoteFile.ts';
import type { Long } from '@grpc/proto-loader';

export interface OldVersionVolumeInfo {
  'files'?: (_volume_server_pb_RemoteFile)[];
  'version'?: (number);
  'replication'?: (string);
  'BytesOffset'?: (number);
  'dat_file_size'?: (number | string | Long);
  'DestroyTime'?: (number | string | Long);
  'read_only'?: (boolean);
}

export interface OldVersionVolumeInfo__Output {
  'files': (_volume_server_pb_RemoteFile__Output)[];
  'version': (number);
  'replication': (string);
  'BytesOffset': (number);
  'dat_file_size': (string);
  'DestroyTime': (string);
  'read_only': (boolean);
}
