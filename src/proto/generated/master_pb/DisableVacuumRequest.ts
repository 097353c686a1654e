// Original file: proto/master.proto


export interface DisableVacuumRequest {
  'by_plugin'?: (boolean);
}

export interface DisableVacuumRequest__Output {
  'by_plugin': (boolean);
}
