// Original file: proto/master.proto


export interface ResumeVolumeGrowthRequest {
}

export interface ResumeVolumeGrowthRequest__Output {
}
