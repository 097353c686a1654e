// Original file: proto/volume_server.proto


export interface DeleteResult {
  'file_id'?: (string);
  'status'?: (number);
  'error'?: (string);
  'size'?: (number);
  'version'?: (number);
}

export interface DeleteResult__Output {
  'file_id': (string);
  'status': (number);
  'error': (string);
  'size': (number);
  'version': (number);
}
