// Original file: proto/volume_server.proto


export interface QueriedStripe {
  'records'?: (Buffer | Uint8Array | string);
}

export interface QueriedStripe__Output {
  'records': (Buffer);
}
