// Original file: proto/master.proto


export interface ReleaseAdminTokenResponse {
}

export interface ReleaseAdminTokenResponse__Output {
}
