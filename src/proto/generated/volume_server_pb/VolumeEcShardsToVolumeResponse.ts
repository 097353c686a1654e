// Original file: proto/volume_server.proto


export interface VolumeEcShardsToVolumeResponse {
}

export interface VolumeEcShardsToVolumeResponse__Output {
}
