// Original file: proto/volume_server.proto


export interface GetStateRequest {
}

export interface GetStateRequest__Output {
}
