// Original file: proto/volume_server.proto


export interface VolumeEcShardsRebuildResponse {
  'rebuilt_shard_ids'?: (number)[];
}

export interface VolumeEcShardsRebuildResponse__Output {
  'rebuilt_shard_ids': (number)[];
}
