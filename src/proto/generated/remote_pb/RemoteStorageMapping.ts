// Original file: proto/remote.proto

import type { RemoteStorageLocation as _remote_pb_RemoteStorageLocation, RemoteStorageLocation__Output as _remote_pb_RemoteStorageLocation__Output } from '../remote_pb/RemoteStorageLocation.ts';

export interface RemoteStorageMapping {
  'mappings'?: ({[key: string]: _remote_pb_RemoteStorageLocation});
  'primary_bucket_storage_name'?: (string);
}

export interface RemoteStorageMapping__Output {
  'mappings': ({[key: string]: _remote_pb_RemoteStorageLocation__Output});
  'primary_bucket_storage_name': (string);
}
