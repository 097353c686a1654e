// `.vif`: the VolumeInfo protobuf as protojson (camelCase names, 64-bit integers as strings,
// every field emitted in field-number order), read and written as upstream does.
import { nodeVolumeIo } from './io/node-volume-io.ts';
import type { VolumeIo } from './io/volume-io.ts';
import { StorageError } from './errors.ts';

export interface RemoteFile {
  backendType: string;
  backendId: string;
  key: string;
  offset: bigint;
  fileSize: bigint;
  modifiedTime: bigint;
  extension: string;
}

/** The `type.id` name a remote file's backend is registered under (upstream's BackendName). */
export function remoteFileBackendName(file: Pick<RemoteFile, 'backendType' | 'backendId'>): string {
  return `${file.backendType}.${file.backendId}`;
}

export interface EcShardConfig {
  dataShards: number;
  parityShards: number;
  encodeTsNs: bigint;
  /** Uniform-layout shard block size (4.53+); absent or 0 = the legacy 1 GiB / 1 MiB rows. */
  blockSizeBytes?: number;
}

export interface VolumeInfo {
  files: RemoteFile[];
  version: number;
  replication: string;
  bytesOffset: number;
  datFileSize: bigint;
  expireAtSec: bigint;
  readOnly: boolean;
  ecShardConfig: EcShardConfig | null;
  readOnlyCanDelete: boolean;
}

export function newVolumeInfo(fields: Partial<VolumeInfo> = {}): VolumeInfo {
  return {
    files: fields.files ?? [],
    version: fields.version ?? 0,
    replication: fields.replication ?? '',
    bytesOffset: fields.bytesOffset ?? 0,
    datFileSize: fields.datFileSize ?? 0n,
    expireAtSec: fields.expireAtSec ?? 0n,
    readOnly: fields.readOnly ?? false,
    ecShardConfig: fields.ecShardConfig ?? null,
    readOnlyCanDelete: fields.readOnlyCanDelete ?? false,
  };
}

export function encodeVolumeInfo(info: VolumeInfo): string {
  const ordered = {
    files: info.files.map((f) => ({
      backendType: f.backendType,
      backendId: f.backendId,
      key: f.key,
      offset: f.offset.toString(),
      fileSize: f.fileSize.toString(),
      modifiedTime: f.modifiedTime.toString(),
      extension: f.extension,
    })),
    version: info.version,
    replication: info.replication,
    bytesOffset: info.bytesOffset,
    datFileSize: info.datFileSize.toString(),
    expireAtSec: info.expireAtSec.toString(),
    readOnly: info.readOnly,
    ecShardConfig:
      info.ecShardConfig === null
        ? null
        : {
            dataShards: info.ecShardConfig.dataShards,
            parityShards: info.ecShardConfig.parityShards,
            encodeTsNs: info.ecShardConfig.encodeTsNs.toString(),
            blockSize: String(info.ecShardConfig.blockSizeBytes ?? 0),
          },
    readOnlyCanDelete: info.readOnlyCanDelete,
  };
  return JSON.stringify(ordered, null, 2);
}

type Json = Record<string, unknown>;

/** protojson accepts both the JSON name and the proto field name. */
function field(obj: Json, camel: string, snake: string): unknown {
  return obj[camel] !== undefined ? obj[camel] : obj[snake];
}

function toBigInt(value: unknown, name: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new StorageError('invalid_volume_info', `invalid ${name}: ${JSON.stringify(value)}`);
}

function toUint32(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffff_ffff) {
    throw new StorageError('invalid_volume_info', `invalid ${name}: ${JSON.stringify(value)}`);
  }
  return n;
}

function toBool(value: unknown, name: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean')
    throw new StorageError('invalid_volume_info', `invalid ${name}: ${JSON.stringify(value)}`);
  return value;
}

function toStr(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new StorageError('invalid_volume_info', `invalid ${name}: ${JSON.stringify(value)}`);
  return value;
}

function decodeEcShardConfig(ec: Json): EcShardConfig {
  const config: EcShardConfig = {
    dataShards: toUint32(field(ec, 'dataShards', 'data_shards'), 'dataShards'),
    parityShards: toUint32(field(ec, 'parityShards', 'parity_shards'), 'parityShards'),
    encodeTsNs: toBigInt(field(ec, 'encodeTsNs', 'encode_ts_ns'), 'encodeTsNs'),
  };
  const blockSize = toBigInt(field(ec, 'blockSize', 'block_size'), 'blockSize');
  // Kept as a number: a block is at most one shard, far below 2^53. Validated by the EC layer.
  if (blockSize < BigInt(Number.MIN_SAFE_INTEGER) || blockSize > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StorageError('invalid_volume_info', `invalid blockSize: ${blockSize}`);
  }
  // Left out when 0 so a legacy config reads back exactly as it was built.
  if (blockSize !== 0n) config.blockSizeBytes = Number(blockSize);
  return config;
}

export function decodeVolumeInfo(text: string): VolumeInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StorageError('invalid_volume_info', `volume info is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StorageError('invalid_volume_info', 'volume info is not a JSON object');
  }
  const obj = parsed as Json;
  // Pre-protobuf files: {"BytesOffset": 4, "DestroyTime": 123}.
  if ('BytesOffset' in obj || 'DestroyTime' in obj) {
    return newVolumeInfo({
      bytesOffset: toUint32(obj.BytesOffset, 'BytesOffset'),
      expireAtSec: toBigInt(obj.DestroyTime, 'DestroyTime'),
    });
  }
  const files = field(obj, 'files', 'files');
  const ec = field(obj, 'ecShardConfig', 'ec_shard_config') as Json | null | undefined;
  return {
    files: Array.isArray(files)
      ? files.map((f: Json) => ({
          backendType: toStr(field(f, 'backendType', 'backend_type'), 'backendType'),
          backendId: toStr(field(f, 'backendId', 'backend_id'), 'backendId'),
          key: toStr(f.key, 'key'),
          offset: toBigInt(f.offset, 'offset'),
          fileSize: toBigInt(field(f, 'fileSize', 'file_size'), 'fileSize'),
          modifiedTime: toBigInt(field(f, 'modifiedTime', 'modified_time'), 'modifiedTime'),
          extension: toStr(f.extension, 'extension'),
        }))
      : [],
    version: toUint32(obj.version, 'version'),
    replication: toStr(obj.replication, 'replication'),
    bytesOffset: toUint32(field(obj, 'bytesOffset', 'bytes_offset'), 'bytesOffset'),
    datFileSize: toBigInt(field(obj, 'datFileSize', 'dat_file_size'), 'datFileSize'),
    expireAtSec: toBigInt(field(obj, 'expireAtSec', 'expire_at_sec'), 'expireAtSec'),
    readOnly: toBool(field(obj, 'readOnly', 'read_only'), 'readOnly'),
    ecShardConfig: ec === null || ec === undefined || typeof ec !== 'object' ? null : decodeEcShardConfig(ec),
    readOnlyCanDelete: toBool(field(obj, 'readOnlyCanDelete', 'read_only_can_delete'), 'readOnlyCanDelete'),
  };
}

/** Reads a `.vif`; a missing or empty file is "absent" (null), as upstream treats it. */
export async function readVolumeInfoFile(path: string, io: VolumeIo = nodeVolumeIo): Promise<VolumeInfo | null> {
  let text: string;
  try {
    text = (await io.readFile(path)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (text.trim() === '') return null;
  return decodeVolumeInfo(text);
}

/** Writes through a temporary file and rename so a crash never leaves a half-written `.vif`. */
export async function writeVolumeInfoFile(path: string, info: VolumeInfo, io: VolumeIo = nodeVolumeIo): Promise<void> {
  const tmp = `${path}.tmp`;
  const bytes = Buffer.from(encodeVolumeInfo(info));
  const handle = await io.open(tmp, 'w');
  try {
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, done);
      if (bytesWritten === 0) throw new Error(`short write of ${tmp} at ${done}`);
      done += bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await io.rename(tmp, path);
}
