// Original file: proto/master.proto


export interface GetAdminLockStatusResponse {
  'is_locked'?: (boolean);
  'client_name'?: (string);
  'message'?: (string);
}

export interface GetAdminLockStatusResponse__Output {
  'is_locked': (boolean);
  'client_name': (string);
  'message': (string);
}
