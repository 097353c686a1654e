// Original file: proto/volume_server.proto


export interface DeleteCollectionResponse {
}

export interface DeleteCollectionResponse__Output {
}
