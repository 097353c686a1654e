// Original file: proto/volume_server.proto


export interface VolumeEcBlobDeleteResponse {
}

export interface VolumeEcBlobDeleteResponse__Output {
}
