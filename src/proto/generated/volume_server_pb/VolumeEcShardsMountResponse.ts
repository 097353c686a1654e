// Original file: proto/volume_server.proto


export interface VolumeEcShardsMountResponse {
}

export interface VolumeEcShardsMountResponse__Output {
}
