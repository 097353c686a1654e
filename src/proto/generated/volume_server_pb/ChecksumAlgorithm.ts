// Original file: proto/volume_server.proto

export const ChecksumAlgorithm = {
  CHECKSUM_NONE: 'CHECKSUM_NONE',
  CHECKSUM_CRC32C: 'CHECKSUM_CRC32C',
} as const;

export type ChecksumAlgorithm =
  | 'CHECKSUM_NONE'
  | 0
  | 'CHECKSUM_CRC32C'
  | 1

export type ChecksumAlgorithm__Output = typeof ChecksumAlgorithm[keyof typeof ChecksumAlgorithm]
