// Original file: proto/volume_server.proto


export interface VolumeServerLeaveRequest {
}

export interface VolumeServerLeaveRequest__Output {
}
