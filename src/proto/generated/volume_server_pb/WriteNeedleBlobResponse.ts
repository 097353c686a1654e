// Original file: proto/volume_server.proto


export interface WriteNeedleBlobResponse {
}

export interface WriteNeedleBlobResponse__Output {
}
