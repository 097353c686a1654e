// Original file: proto/master.proto


export interface GetMasterConfigurationRequest {
}

export interface GetMasterConfigurationRequest__Output {
}
