// Original file: proto/master.proto


export interface EnableVacuumResponse {
}

export interface EnableVacuumResponse__Output {
}
