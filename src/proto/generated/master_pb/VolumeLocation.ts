// Original file: proto/master.proto


export interface VolumeLocation {
  'url'?: (string);
  'public_url'?: (string);
  'new_vids'?: (number)[];
  'deleted_vids'?: (number)[];
  'leader'?: (string);
  'data_center'?: (string);
  'grpc_port'?: (number);
  'new_ec_vids'?: (number)[];
  'deleted_ec_vids'?: (number)[];
  'remote_vids'?: (number)[];
  'read_only_vids'?: (number)[];
  'read_only_can_delete_vids'?: (number)[];
}

export interface VolumeLocation__Output {
  'url': (string);
  'public_url': (string);
  'new_vids': (number)[];
  'deleted_vids': (number)[];
  'leader': (string);
  'data_center': (string);
  'grpc_port': (number);
  'new_ec_vids': (number)[];
  'deleted_ec_vids': (number)[];
  'remote_vids': (number)[];
  'read_only_vids': (number)[];
  'read_only_can_delete_vids': (number)[];
}
