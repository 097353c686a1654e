// Original file: proto/master.proto


export interface RaftListClusterServersRequest {
}

export interface RaftListClusterServersRequest__Output {
}
