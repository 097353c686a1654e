// Original file: proto/master.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeInformationMessage {
  'id'?: (number);
  'size'?: (number | string | Long);
  'collection'?: (string);
  'file_count'?: (number | string | Long);
  'delete_count'?: (number | string | Long);
  'deleted_byte_count'?: (number | string | Long);
  'read_only'?: (boolean);
  'replica_placement'?: (number);
  'version'?: (number);
  'ttl'?: (number);
  'compact_revision'?: (number);
  'modified_at_second'?: (number | string | Long);
  'remote_storage_name'?: (string);
  'remote_storage_key'?: (string);
  'disk_type'?: (string);
  'disk_id'?: (number);
  'read_only_can_delete'?: (boolean);
}

export interface VolumeInformationMessage__Output {
  'id': (number);
  'size': (string);
  'collection': (string);
  'file_count': (string);
  'delete_count': (string);
  'deleted_byte_count': (string);
  'read_only': (boolean);
  'replica_placement': (number);
  'version': (number);
  'ttl': (number);
  'compact_revision': (number);
  'modified_at_second': (string);
  'remote_storage_name': (string);
  'remote_storage_key': (string);
  'disk_type': (string);
  'disk_id': (number);
  'read_only_can_delete': (boolean);
}
