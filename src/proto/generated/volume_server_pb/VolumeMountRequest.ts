// Original file: proto/volume_server.proto


export interface VolumeMountRequest {
  'volume_id'?: (number);
  'collection'?: (string);
  '_collection'?: "collection";
}

export interface VolumeMountRequest__Output {
  'volume_id': (number);
  'collection'?: (string);
  '_collection'?: "collection";
}
