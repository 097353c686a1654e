// Original file: proto/volume_server.proto


export interface VolumeConsolidateIndexResponse {
}

export interface VolumeConsolidateIndexResponse__Output {
}
