// Original file: proto/volume_server.proto


export interface AllocateVolumeResponse {
}

export interface AllocateVolumeResponse__Output {
}
