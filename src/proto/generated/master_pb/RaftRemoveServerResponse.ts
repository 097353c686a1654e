// Original file: proto/master.proto


export interface RaftRemoveServerResponse {
}

export interface RaftRemoveServerResponse__Output {
}
