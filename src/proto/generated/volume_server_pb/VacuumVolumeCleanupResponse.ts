// Original file: proto/volume_server.proto


export interface VacuumVolumeCleanupResponse {
}

export interface VacuumVolumeCleanupResponse__Output {
}
