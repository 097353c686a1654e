// Original file: proto/volume_server.proto


export interface VolumeMarkWritableResponse {
}

export interface VolumeMarkWritableResponse__Output {
}
