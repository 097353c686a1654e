// Original file: proto/master.proto


export interface EnableVacuumRequest {
  'by_plugin'?: (boolean);
}

export interface EnableVacuumRequest__Output {
  'by_plugin': (boolean);
}
