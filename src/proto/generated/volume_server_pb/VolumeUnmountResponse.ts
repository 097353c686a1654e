// Original file: proto/volume_server.proto


export interface VolumeUnmountResponse {
}

export interface VolumeUnmountResponse__Output {
}
