// Original file: proto/master.proto


export interface LookupVolumeRequest {
  'volume_or_file_ids'?: (string)[];
  'collection'?: (string);
}

export interface LookupVolumeRequest__Output {
  'volume_or_file_ids': (string)[];
  'collection': (string);
}
