// Original file: proto/volume_server.proto

import type { ChecksumAlgorithm as _volume_server_pb_ChecksumAlgorithm, ChecksumAlgorithm__Output as _volume_server_pb_ChecksumAlgorithm__Output } from '../volume_server_pb/ChecksumAlgorithm.ts';
import type { EcShardConfig as _volume_server_pb_EcShardConfig, EcShardConfig__Output as _volume_server_pb_EcShardConfig__Output } from '../volume_server_pb/EcShardConfig.ts';
import type { EcShardChecksums as _volume_server_pb_EcShardChecksums, EcShardChecksums__Output as _volume_server_pb_EcShardChecksums__Output } from '../volume_server_pb/EcShardChecksums.ts';

export interface EcBitrotProtection {
  'algorithm'?: (_volume_server_pb_ChecksumAlgorithm);
  'block_size'?: (number);
  'generation'?: (number);
  'ec_shard_config'?: (_volume_server_pb_EcShardConfig | null);
  'shards'?: (_volume_server_pb_EcShardChecksums)[];
  'encode_uuid'?: (Buffer | Uint8Array | string);
}

export interface EcBitrotProtection__Output {
  'algorithm': (_volume_server_pb_ChecksumAlgorithm__Output);
  'block_size': (number);
  'generation': (number);
  'ec_shard_config': (_volume_server_pb_EcShardConfig__Output | null);
  'shards': (_volume_server_pb_EcShardChecksums__Output)[];
  'encode_uuid': (Buffer);
}
