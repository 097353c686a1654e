// Original file: proto/volume_server.proto


export interface VolumeEcShardsGenerateResponse {
}

export interface VolumeEcShardsGenerateResponse__Output {
}
