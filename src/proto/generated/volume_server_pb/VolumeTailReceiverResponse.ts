// Original file: proto/volume_server.proto


export interface VolumeTailReceiverResponse {
}

export interface VolumeTailReceiverResponse__Output {
}
