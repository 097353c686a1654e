// Original file: proto/master.proto


export interface VolumeMarkReadonlyResponse {
}

export interface VolumeMarkReadonlyResponse__Output {
}
