// Original file: proto/master.proto


export interface ResumeVolumeGrowthResponse {
  'was_frozen'?: (boolean);
}

export interface ResumeVolumeGrowthResponse__Output {
  'was_frozen': (boolean);
}
