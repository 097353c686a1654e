// The super block at the start of every `.dat`: version, replica placement, TTL, compaction revision.
import { StorageError } from './errors.ts';
import { type Ttl, EMPTY_TTL, ttlFromBytes, ttlToBytes } from './needle/ttl.ts';
import { type ReplicaPlacement, replicaPlacementFromByte, replicaPlacementToByte } from './replica-placement.ts';
import { type NeedleVersion, isSupportedVersion } from './needle/version.ts';

export const SUPER_BLOCK_SIZE_BYTES = 8;
const MAX_EXTRA_SIZE_BYTES = 65_534;

export interface SuperBlock {
  readonly version: NeedleVersion;
  readonly replicaPlacement: ReplicaPlacement;
  readonly ttl: Ttl;
  readonly compactionRevision: number;
  /** Opaque `SuperBlockExtra` protobuf bytes (v2/v3 only); nobody writes it in practice. */
  readonly extra: Uint8Array;
}

export function newSuperBlock(fields: Partial<SuperBlock> & { version: NeedleVersion }): SuperBlock {
  return {
    version: fields.version,
    replicaPlacement: fields.replicaPlacement ?? replicaPlacementFromByte(0),
    ttl: fields.ttl ?? EMPTY_TTL,
    compactionRevision: fields.compactionRevision ?? 0,
    extra: fields.extra ?? new Uint8Array(0),
  };
}

/** Where the first needle starts. */
export function superBlockSizeBytes(sb: SuperBlock): number {
  return sb.version === 1 ? SUPER_BLOCK_SIZE_BYTES : SUPER_BLOCK_SIZE_BYTES + sb.extra.length;
}

export function encodeSuperBlock(sb: SuperBlock): Buffer {
  if (sb.extra.length > MAX_EXTRA_SIZE_BYTES) {
    throw new StorageError('invalid_super_block', `super block extra too large: ${sb.extra.length}`);
  }
  const extraBytes = sb.version === 1 ? 0 : sb.extra.length;
  const out = Buffer.alloc(SUPER_BLOCK_SIZE_BYTES + extraBytes);
  out[0] = sb.version;
  out[1] = replicaPlacementToByte(sb.replicaPlacement);
  ttlToBytes(sb.ttl, out, 2);
  out.writeUInt16BE(sb.compactionRevision & 0xffff, 4);
  out.writeUInt16BE(extraBytes, 6);
  if (extraBytes > 0) out.set(sb.extra, SUPER_BLOCK_SIZE_BYTES);
  return out;
}

/** Decodes the fixed 8 bytes; `extra` must then be read separately when extraSizeBytes > 0. */
export function decodeSuperBlockHeader(bytes: Uint8Array): { superBlock: SuperBlock; extraSizeBytes: number } {
  if (bytes.length < SUPER_BLOCK_SIZE_BYTES) {
    throw new StorageError(
      'invalid_super_block',
      `super block needs ${SUPER_BLOCK_SIZE_BYTES} bytes, got ${bytes.length}`,
    );
  }
  const version = bytes[0] as number;
  if (!isSupportedVersion(version)) {
    throw new StorageError('unsupported_version', `unsupported needle version ${version}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const extraSizeBytes = version === 1 ? 0 : view.getUint16(6);
  return {
    superBlock: {
      version,
      replicaPlacement: replicaPlacementFromByte(bytes[1] as number),
      ttl: ttlFromBytes(bytes, 2),
      compactionRevision: view.getUint16(4),
      extra: new Uint8Array(0),
    },
    extraSizeBytes,
  };
}

export function decodeSuperBlock(bytes: Uint8Array): SuperBlock {
  const { superBlock, extraSizeBytes } = decodeSuperBlockHeader(bytes);
  if (extraSizeBytes === 0) return superBlock;
  if (bytes.length < SUPER_BLOCK_SIZE_BYTES + extraSizeBytes) {
    throw new StorageError('invalid_super_block', `super block extra of ${extraSizeBytes} bytes is truncated`);
  }
  return { ...superBlock, extra: bytes.slice(SUPER_BLOCK_SIZE_BYTES, SUPER_BLOCK_SIZE_BYTES + extraSizeBytes) };
}
