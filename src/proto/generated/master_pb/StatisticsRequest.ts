// Original file: proto/master.proto


export interface StatisticsRequest {
  'replication'?: (string);
  'collection'?: (string);
  'ttl'?: (string);
  'disk_type'?: (string);
}

export interface StatisticsRequest__Output {
  'replication': (string);
  'collection': (string);
  'ttl': (string);
  'disk_type': (string);
}
