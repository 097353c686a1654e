// Original file: proto/master.proto


export interface GetAdminLockStatusRequest {
  'lock_name'?: (string);
}

export interface GetAdminLockStatusRequest__Output {
  'lock_name': (string);
}
