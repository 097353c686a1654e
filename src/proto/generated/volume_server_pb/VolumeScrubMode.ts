// Original file: proto/volume_server.proto

export const VolumeScrubMode = {
  UNKNOWN: 'UNKNOWN',
  INDEX: 'INDEX',
  FULL: 'FULL',
  LOCAL: 'LOCAL',
  CHECKSUM: 'CHECKSUM',
  READS: 'READS',
} as const;

export type VolumeScrubMode =
  | 'UNKNOWN'
  | 0
  | 'INDEX'
  | 1
  | 'FULL'
  | 2
  | 'LOCAL'
  | 3
  | 'CHECKSUM'
  | 4
  | 'READS'
  | 5

export type VolumeScrubMode__Output = typeof VolumeScrubMode[keyof typeof VolumeScrubMode]
