// Original file: proto/volume_server.proto


export interface VolumeServerStatusRequest {
}

export interface VolumeServerStatusRequest__Output {
}
