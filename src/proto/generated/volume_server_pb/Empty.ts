// Original file: proto/volume_server.proto


export interface Empty {
}

export interface Empty__Output {
}
