// Original file: proto/master.proto

import type { StorageBackend as _master_pb_StorageBackend, StorageBackend__Output as _master_pb_StorageBackend__Output } from '../master_pb/StorageBackend.ts';

export interface GetMasterConfigurationResponse {
  'metrics_address'?: (string);
  'metrics_interval_seconds'?: (number);
  'storage_backends'?: (_master_pb_StorageBackend)[];
  'default_replication'?: (string);
  'leader'?: (string);
  'volume_size_limit_m_b'?: (number);
  'volume_preallocate'?: (boolean);
  'maintenance_scripts'?: (string);
  'maintenance_sleep_minutes'?: (number);
}

export interface GetMasterConfigurationResponse__Output {
  'metrics_address': (string);
  'metrics_interval_seconds': (number);
  'storage_backends': (_master_pb_StorageBackend__Output)[];
  'default_replication': (string);
  'leader': (string);
  'volume_size_limit_m_b': (number);
  'volume_preallocate': (boolean);
  'maintenance_scripts': (string);
  'maintenance_sleep_minutes': (number);
}
