// Original file: proto/volume_server.proto


export interface VolumeDeleteResponse {
}

export interface VolumeDeleteResponse__Output {
}
