// Original file: proto/volume_server.proto

import type { Long } from '@grpc/proto-loader';

export interface VolumeEcShardsCopyRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  'shard_ids'?: (number)[];
  'copy_ecx_file'?: (boolean);
  'source_data_node'?: (string);
  'copy_ecj_file'?: (boolean);
  'copy_vif_file'?: (boolean);
  'disk_id'?: (number);
  'copy_ecsum_file'?: (boolean);
  'io_byte_per_second'?: (number | string | Long);
}

export interface VolumeEcShardsCopyRequest__Output {
  'volume_id': (number);
  'collection': (string);
  'shard_ids': (number)[];
  'copy_ecx_file': (boolean);
  'source_data_node': (string);
  'copy_ecj_file': (boolean);
  'copy_vif_file': (boolean);
  'disk_id': (number);
  'copy_ecsum_file': (boolean);
  'io_byte_per_second': (string);
}
