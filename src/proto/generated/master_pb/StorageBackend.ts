// Original file: proto/master.proto


export interface StorageBackend {
  'type'?: (string);
  'id'?: (string);
  'properties'?: ({[key: string]: string});
}

export interface StorageBackend__Output {
  'type': (string);
  'id': (string);
  'properties': ({[key: string]: string});
}
