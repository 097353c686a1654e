// Original file: proto/master.proto

import type { StorageBackend as _master_pb_StorageBackend, StorageBackend__Output as _master_pb_StorageBackend__Output } from '../master_pb/StorageBackend.ts';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponse {
  'volume_size_limit'?: (number | string | Long);
  'leader'?: (string);
  'metrics_address'?: (string);
  'metrics_interval_seconds'?: (number);
  'storage_backends'?: (_master_pb_StorageBackend)[];
  'duplicated_uuids'?: (string)[];
  'preallocate'?: (boolean);
  'resend_full_volume_list'?: (boolean);
  'volume_digest_supported'?: (boolean);
  'max_volume_id'?: (number);
  'topology_id'?: (string);
}

export interface HeartbeatResponse__Output {
  'volume_size_limit': (string);
  'leader': (string);
  'metrics_address': (string);
  'metrics_interval_seconds': (number);
  'storage_backends': (_master_pb_StorageBackend__Output)[];
  'duplicated_uuids': (string)[];
  'preallocate': (boolean);
  'resend_full_volume_list': (boolean);
  'volume_digest_supported': (boolean);
  'max_volume_id': (number);
  'topology_id': (string);
}
