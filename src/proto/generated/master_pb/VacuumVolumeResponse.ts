// Original file: proto/master.proto


export interface VacuumVolumeResponse {
}

export interface VacuumVolumeResponse__Output {
}
