// Original file: proto/volume_server.proto


export interface VolumeEcShardsUnmountResponse {
}

export interface VolumeEcShardsUnmountResponse__Output {
}
