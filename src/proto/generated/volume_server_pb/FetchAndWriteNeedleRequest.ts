// Original file: proto/volume_server.proto

import type { RemoteConf as _remote_pb_RemoteConf, RemoteConf__Output as _remote_pb_RemoteConf__Output } from '../remote_pb/RemoteConf.ts';
import type { RemoteStorageLocation as _remote_pb_RemoteStorageLocation, RemoteStorageLocation__Output as _remote_pb_RemoteStorageLocation__Output } from '../remote_pb/RemoteStorageLocation.ts';
import type { Long } from '@grpc/proto-loader';

export interface _volume_server_pb_FetchAndWriteNeedleRequest_Replica {
  'url'?: (string);
  'public_url'?: (string);
  'grpc_port'?: (number);
}

export interface _volume_server_pb_FetchAndWriteNeedleRequest_Replica__Output {
  'url': (string);
  'public_url': (string);
  'grpc_port': (number);
}

export interface FetchAndWriteNeedleRequest {
  'volume_id'?: (number);
  'needle_id'?: (number | string | Long);
  'cookie'?: (number);
  'offset'?: (number | string | Long);
  'size'?: (number | string | Long);
  'replicas'?: (_volume_server_pb_FetchAndWriteNeedleRequest_Replica)[];
  'auth'?: (string);
  'download_concurrency'?: (number);
  'remote_conf'?: (_remote_pb_RemoteConf | null);
  'remote_location'?: (_remote_pb_RemoteStorageLocation | null);
}

export interface FetchAndWriteNeedleRequest__Output {
  'volume_id': (number);
  'needle_id': (string);
  'cookie': (number);
  'offset': (string);
  'size': (string);
  'replicas': (_volume_server_pb_FetchAndWriteNeedleRequest_Replica__Output)[];
  'auth': (string);
  'download_concurrency': (number);
  'remote_conf': (_remote_pb_RemoteConf__Output | null);
  'remote_location': (_remote_pb_RemoteStorageLocation__Output | null);
}
