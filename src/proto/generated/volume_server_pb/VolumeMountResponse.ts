// Original file: proto/volume_server.proto


export interface VolumeMountResponse {
}

export interface VolumeMountResponse__Output {
}
