// Original file: proto/master.proto


export interface RaftAddServerResponse {
}

export interface RaftAddServerResponse__Output {
}
