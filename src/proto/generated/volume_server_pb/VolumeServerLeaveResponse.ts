// Original file: proto/volume_server.proto


export interface VolumeServerLeaveResponse {
}

export interface VolumeServerLeaveResponse__Output {
}
