// Original file: proto/master.proto


export interface VolumeGrowResponse {
  'avg_fill'?: (number | string);
  'writable_count'?: (number);
}

export interface VolumeGrowResponse__Output {
  'avg_fill': (number);
  'writable_count': (number);
}
