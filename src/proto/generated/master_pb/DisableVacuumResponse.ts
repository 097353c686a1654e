// Original file: proto/master.proto


export interface DisableVacuumResponse {
}

export interface DisableVacuumResponse__Output {
}
