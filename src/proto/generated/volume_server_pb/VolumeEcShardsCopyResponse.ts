// Original file: proto/volume_server.proto


export interface VolumeEcShardsCopyResponse {
}

export interface VolumeEcShardsCopyResponse__Output {
}
