// Original file: proto/master.proto


export interface CollectionDeleteResponse {
}

export interface CollectionDeleteResponse__Output {
}
