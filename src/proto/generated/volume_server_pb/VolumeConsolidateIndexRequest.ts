// Original file: proto/volume_server.proto


export interface VolumeConsolidateIndexRequest {
  'volume_id'?: (number);
}

export interface VolumeConsolidateIndexRequest__Output {
  'volume_id': (number);
}
