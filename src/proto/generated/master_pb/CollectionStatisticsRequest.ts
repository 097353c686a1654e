// Original file: proto/master.proto


export interface CollectionStatisticsRequest {
}

export interface CollectionStatisticsRequest__Output {
}
