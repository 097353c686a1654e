// Original file: proto/volume_server.proto


export interface VolumeMarkReadonlyResponse {
}

export interface VolumeMarkReadonlyResponse__Output {
}
