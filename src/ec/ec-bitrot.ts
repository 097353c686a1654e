// The `.ecsum` bitrot sidecar: CRC32-C of every fixed-size block of every shard, written at
// encode time so a decode (and scrubs) can tell a rotted shard from a good one. On disk:
//   magic "ECSU" (u32 BE) | format version 1 (u16 BE) | payload length (u32 BE) |
//   CRC32-C of the payload (u32 BE) | EcBitrotProtection protobuf
// The header CRC lets a reader reject a damaged sidecar before trusting anything in it.
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { crc32c } from '../storage/needle/crc.ts';
import { assert } from '../storage/types.ts';
import { MAX_SHARD_COUNT, SMALL_BLOCK_SIZE_BYTES, blockSizeProblem, validEcRatio } from './ec-layout.ts';

export const BITROT_SIDECAR_EXT = '.ecsum';
/** Checksum granularity of new sidecars (upstream's default): a small sidecar, 16 MiB localization. */
export const BITROT_BLOCK_SIZE_BYTES = 16 * 1024 * 1024;
const MAX_BITROT_BLOCK_SIZE_BYTES = 64 * 1024 * 1024;
const MAGIC = 0x45435355;
const FORMAT_VERSION = 1;
const HEADER_BYTES = 14;
/** A real sidecar is a few KB; anything near this is not one. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/**
 * Shard reads for checksumming go through a buffer of this size, whatever the block size: a
 * 64 MiB block is never held whole, and each chunk is one await, so the event loop keeps turning.
 */
export const BITROT_READ_CHUNK_BYTES = 1024 * 1024;
const CHECKSUM_CRC32C = 1;

export interface BitrotShardConfig {
  dataShards: number;
  parityShards: number;
  encodeTsNs: bigint;
  blockSizeBytes: number;
}

export interface ShardChecksums {
  shardId: number;
  coveredSizeBytes: number;
  /** Little-endian u32 per block. */
  blockCrc32c: Buffer;
}

export interface BitrotProtection {
  algorithm: number;
  checksumBlockSizeBytes: number;
  generation: number;
  ecShardConfig: BitrotShardConfig | null;
  shards: ShardChecksums[];
  encodeUuid: Buffer;
}

export type BitrotStatus = 'off' | 'on' | 'invalid';

// --- protobuf (proto3) of just these three messages ---

class Writer {
  private readonly parts: Buffer[] = [];

  varint(fieldNo: number, value: bigint | number): void {
    const v = BigInt(value);
    if (v === 0n) return; // proto3 leaves zero values out
    this.tag(fieldNo, 0);
    this.raw(v);
  }

  bytes(fieldNo: number, value: Buffer): void {
    if (value.length === 0) return;
    this.tag(fieldNo, 2);
    this.raw(BigInt(value.length));
    this.parts.push(value);
  }

  message(fieldNo: number, value: Buffer): void {
    this.tag(fieldNo, 2);
    this.raw(BigInt(value.length));
    this.parts.push(value);
  }

  private tag(fieldNo: number, wireType: number): void {
    this.raw(BigInt((fieldNo << 3) | wireType));
  }

  private raw(value: bigint): void {
    let v = BigInt.asUintN(64, value); // negative int64 travels as ten bytes
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.parts.push(Buffer.from(out));
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

type Field = { fieldNo: number; varint?: bigint; bytes?: Buffer };

function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= buf.length) throw new Error('truncated varint');
      const byte = buf[at++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new Error('varint too long');
  };
  while (at < buf.length) {
    const key = Number(varint());
    const fieldNo = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) fields.push({ fieldNo, varint: varint() });
    else if (wireType === 2) {
      const length = Number(varint());
      if (at + length > buf.length) throw new Error('truncated field');
      fields.push({ fieldNo, bytes: buf.subarray(at, at + length) });
      at += length;
    } else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (at > buf.length) throw new Error('truncated field');
  }
  return fields;
}

function u32(v: bigint | undefined): number {
  return Number(BigInt.asUintN(32, v ?? 0n));
}

function i64(v: bigint | undefined): bigint {
  return BigInt.asIntN(64, v ?? 0n);
}

function encodeShardConfig(config: BitrotShardConfig): Buffer {
  const w = new Writer();
  w.varint(1, config.dataShards);
  w.varint(2, config.parityShards);
  w.varint(3, config.encodeTsNs);
  w.varint(4, config.blockSizeBytes);
  return w.done();
}

export function encodeBitrotProtection(prot: BitrotProtection): Buffer {
  const w = new Writer();
  w.varint(1, prot.algorithm);
  w.varint(2, prot.checksumBlockSizeBytes);
  w.varint(3, prot.generation);
  if (prot.ecShardConfig !== null) w.message(4, encodeShardConfig(prot.ecShardConfig));
  for (const shard of prot.shards) {
    const s = new Writer();
    s.varint(1, shard.shardId);
    s.varint(2, shard.coveredSizeBytes);
    s.bytes(3, shard.blockCrc32c);
    w.message(5, s.done());
  }
  w.bytes(6, prot.encodeUuid);
  return w.done();
}

export function decodeBitrotProtection(payload: Buffer): BitrotProtection {
  const prot: BitrotProtection = {
    algorithm: 0,
    checksumBlockSizeBytes: 0,
    generation: 0,
    ecShardConfig: null,
    shards: [],
    encodeUuid: Buffer.alloc(0),
  };
  for (const f of readFields(payload)) {
    if (f.fieldNo === 1) prot.algorithm = u32(f.varint);
    else if (f.fieldNo === 2) prot.checksumBlockSizeBytes = u32(f.varint);
    else if (f.fieldNo === 3) prot.generation = u32(f.varint);
    else if (f.fieldNo === 4 && f.bytes !== undefined) {
      const config: BitrotShardConfig = { dataShards: 0, parityShards: 0, encodeTsNs: 0n, blockSizeBytes: 0 };
      for (const c of readFields(f.bytes)) {
        if (c.fieldNo === 1) config.dataShards = u32(c.varint);
        else if (c.fieldNo === 2) config.parityShards = u32(c.varint);
        else if (c.fieldNo === 3) config.encodeTsNs = i64(c.varint);
        else if (c.fieldNo === 4) config.blockSizeBytes = Number(i64(c.varint));
      }
      prot.ecShardConfig = config;
    } else if (f.fieldNo === 5 && f.bytes !== undefined) {
      const shard: ShardChecksums = { shardId: 0, coveredSizeBytes: 0, blockCrc32c: Buffer.alloc(0) };
      for (const c of readFields(f.bytes)) {
        if (c.fieldNo === 1) shard.shardId = u32(c.varint);
        else if (c.fieldNo === 2) shard.coveredSizeBytes = Number(i64(c.varint));
        else if (c.fieldNo === 3 && c.bytes !== undefined) shard.blockCrc32c = Buffer.from(c.bytes);
      }
      prot.shards.push(shard);
    } else if (f.fieldNo === 6 && f.bytes !== undefined) prot.encodeUuid = Buffer.from(f.bytes);
  }
  return prot;
}

// --- the file ---

export function bitrotSidecarPath(basePath: string): string {
  return basePath + BITROT_SIDECAR_EXT;
}

export function encodeBitrotSidecar(prot: BitrotProtection): Buffer {
  const payload = encodeBitrotProtection(prot);
  assert(payload.length <= MAX_PAYLOAD_BYTES, `bitrot sidecar payload of ${payload.length} bytes`);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt16BE(FORMAT_VERSION, 4);
  header.writeUInt32BE(payload.length, 6);
  header.writeUInt32BE(crc32c(payload), 10);
  return Buffer.concat([header, payload]);
}

/** Parses a sidecar file's bytes; throws when the header or its CRC says the file is damaged. */
export function decodeBitrotSidecar(bytes: Buffer, name = 'bitrot sidecar'): BitrotProtection {
  if (bytes.length < HEADER_BYTES) throw new Error(`${name} too short (${bytes.length} bytes)`);
  if (bytes.readUInt32BE(0) !== MAGIC) throw new Error(`${name} bad magic 0x${bytes.readUInt32BE(0).toString(16)}`);
  if (bytes.readUInt16BE(4) !== FORMAT_VERSION)
    throw new Error(`${name} unsupported format version ${bytes.readUInt16BE(4)}`);
  const payload = bytes.subarray(HEADER_BYTES);
  if (bytes.readUInt32BE(6) !== payload.length)
    throw new Error(`${name} length mismatch: header ${bytes.readUInt32BE(6)}, actual ${payload.length}`);
  if (crc32c(payload) !== bytes.readUInt32BE(10)) throw new Error(`${name} self-integrity CRC mismatch`);
  return decodeBitrotProtection(payload);
}

/** Written through a temporary file and a rename: readers see the old sidecar or the new one. */
export async function writeBitrotSidecar(filePath: string, prot: BitrotProtection): Promise<void> {
  const tmp = `${filePath}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(encodeBitrotSidecar(prot));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, filePath);
}

export async function readBitrotSidecar(filePath: string): Promise<BitrotProtection> {
  return decodeBitrotSidecar(await fs.readFile(filePath), filePath);
}

/** The first of `<dir>/<base>.ecsum` over the directories that exists, or null. */
export async function findBitrotSidecar(dirs: string[], base: string): Promise<string | null> {
  for (const dir of new Set(dirs)) {
    const candidate = path.join(dir, `${base}${BITROT_SIDECAR_EXT}`);
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

// --- checksums ---

/** CRC32-C per `checksumBlockSizeBytes` block of a shard file (the last block may be short). */
export async function checksumShardFile(
  shardPath: string,
  checksumBlockSizeBytes: number,
): Promise<{ coveredSizeBytes: number; blockCrc32c: Buffer }> {
  const handle = await fs.open(shardPath, 'r');
  try {
    const sizeBytes = (await handle.stat()).size;
    const blocks = Math.ceil(sizeBytes / checksumBlockSizeBytes);
    const out = Buffer.alloc(blocks * 4);
    const buf = Buffer.allocUnsafe(Math.min(BITROT_READ_CHUNK_BYTES, checksumBlockSizeBytes));
    for (let block = 0; block < blocks; block++) {
      const start = block * checksumBlockSizeBytes;
      const end = Math.min(start + checksumBlockSizeBytes, sizeBytes);
      let crc = 0;
      for (let at = start; at < end; ) {
        const want = Math.min(buf.length, end - at);
        const { bytesRead } = await handle.read(buf, 0, want, at);
        if (bytesRead === 0) throw new Error(`${shardPath} ended at ${at}, expected ${sizeBytes} bytes`);
        crc = crc32c(buf.subarray(0, bytesRead), crc);
        at += bytesRead;
      }
      out.writeUInt32LE(crc >>> 0, block * 4);
    }
    return { coveredSizeBytes: sizeBytes, blockCrc32c: out };
  } finally {
    await handle.close();
  }
}

/** A generation-0 manifest of the given shard files (index = shard id), from their bytes on disk. */
export async function computeBitrotProtection(
  shardPaths: string[],
  config: BitrotShardConfig,
): Promise<BitrotProtection> {
  assert(shardPaths.length === config.dataShards + config.parityShards, 'one path per shard');
  const shards: ShardChecksums[] = [];
  for (const [shardId, shardPath] of shardPaths.entries()) {
    shards.push({ shardId, ...(await checksumShardFile(shardPath, BITROT_BLOCK_SIZE_BYTES)) });
  }
  return {
    algorithm: CHECKSUM_CRC32C,
    checksumBlockSizeBytes: BITROT_BLOCK_SIZE_BYTES,
    generation: 0,
    ecShardConfig: { ...config, encodeTsNs: 0n }, // upstream records no encode time here
    shards,
    encodeUuid: randomBytes(16),
  };
}

/** Why a manifest cannot be used for this ratio (null when it can). Checks no files. */
export function bitrotManifestProblem(prot: BitrotProtection, dataShards: number, parityShards: number): string | null {
  if (prot.algorithm !== CHECKSUM_CRC32C) return `unsupported checksum algorithm ${prot.algorithm}`;
  const bs = prot.checksumBlockSizeBytes;
  if (bs < SMALL_BLOCK_SIZE_BYTES || bs > MAX_BITROT_BLOCK_SIZE_BYTES || (bs & (bs - 1)) !== 0)
    return `invalid block_size ${bs}`;
  const total = dataShards + parityShards;
  if (total <= 0 || total > MAX_SHARD_COUNT) return `invalid active layout: data=${dataShards} parity=${parityShards}`;
  if (prot.shards.length !== total)
    return `incomplete manifest: ${prot.shards.length} shard entries, expected ${total}`;
  const seen = new Set<number>();
  for (const s of prot.shards) {
    if (s.shardId >= total) return `shard id ${s.shardId} out of range [0,${total})`;
    if (seen.has(s.shardId)) return `duplicate shard id ${s.shardId}`;
    seen.add(s.shardId);
    if (s.coveredSizeBytes <= 0) return `shard ${s.shardId} has non-positive covered_size ${s.coveredSizeBytes}`;
    if (s.blockCrc32c.length !== Math.ceil(s.coveredSizeBytes / bs) * 4) return `shard ${s.shardId} crc count mismatch`;
  }
  return null;
}

/** Why a sidecar's recorded layout cannot be used (null when it can). */
export function sidecarConfigProblem(prot: BitrotProtection): string | null {
  if (prot.generation !== 0) return `records generation ${prot.generation}, not generation 0`;
  const config = prot.ecShardConfig;
  if (config === null) return 'records no EC config';
  if (!validEcRatio(config.dataShards, config.parityShards))
    return `records invalid shard counts ${config.dataShards}+${config.parityShards}`;
  return blockSizeProblem(config.blockSizeBytes);
}

/**
 * Block indexes of a shard file whose CRC differs from the manifest; every block when the
 * file's length differs from what the manifest covers (truncation is corruption too).
 */
export async function mismatchedBlocks(
  shardPath: string,
  entry: ShardChecksums,
  checksumBlockSizeBytes: number,
): Promise<number[]> {
  const actual = await checksumShardFile(shardPath, checksumBlockSizeBytes);
  const blocks = entry.blockCrc32c.length / 4;
  if (actual.coveredSizeBytes !== entry.coveredSizeBytes) return Array.from({ length: blocks }, (_, i) => i);
  const mismatched: number[] = [];
  for (let i = 0; i < blocks; i++)
    if (actual.blockCrc32c.readUInt32LE(i * 4) !== entry.blockCrc32c.readUInt32LE(i * 4)) mismatched.push(i);
  return mismatched;
}

/** What a block scan reads from: a mounted shard (EcShard) satisfies it. */
export interface ShardByteReader {
  /** Up to `length` bytes at `offsetBytes`; fewer only at end of file; throws on an I/O error. */
  readAt(buf: Uint8Array, offsetBytes: number, length?: number): Promise<number>;
}

export interface ShardBlockScan {
  /** Blocks read whole and checksummed (mismatching ones included). */
  blocksScanned: number;
  mismatches: { blockIndex: number; offsetBytes: number }[];
  /**
   * The read that ended the scan early: an I/O error, or end of file before the bytes the
   * manifest covers (`cause` is then "EOF", as Go's ReadAt says). Later blocks are not checked.
   */
  readFailure: { blockIndex: number; offsetBytes: number; gotBytes: number; wantBytes: number; cause: string } | null;
}

/**
 * Checks an open shard block by block against its manifest entry, reading `chunkBytes` at a time
 * (never a whole block, let alone a whole shard). Read-only. The caller compares the shard's
 * length with `coveredSizeBytes` first: this reads exactly the covered bytes.
 */
export async function scanShardBlocks(
  reader: ShardByteReader,
  entry: ShardChecksums,
  checksumBlockSizeBytes: number,
  chunkBytes = BITROT_READ_CHUNK_BYTES,
): Promise<ShardBlockScan> {
  assert(checksumBlockSizeBytes > 0 && chunkBytes > 0, `block ${checksumBlockSizeBytes}, chunk ${chunkBytes}`);
  const blocks = entry.blockCrc32c.length / 4;
  assert(
    Number.isInteger(blocks) && blocks === Math.ceil(entry.coveredSizeBytes / checksumBlockSizeBytes),
    `shard ${entry.shardId}: ${blocks} checksums for ${entry.coveredSizeBytes} bytes`,
  );
  const scratch = Buffer.allocUnsafe(Math.min(chunkBytes, checksumBlockSizeBytes));
  const scan: ShardBlockScan = { blocksScanned: 0, mismatches: [], readFailure: null };
  for (let blockIndex = 0; blockIndex < blocks; blockIndex++) {
    const offsetBytes = blockIndex * checksumBlockSizeBytes;
    const wantBytes = Math.min(checksumBlockSizeBytes, entry.coveredSizeBytes - offsetBytes);
    let crc = 0;
    let gotBytes = 0;
    while (gotBytes < wantBytes) {
      const lengthBytes = Math.min(scratch.length, wantBytes - gotBytes);
      let readBytes: number;
      try {
        readBytes = await reader.readAt(scratch, offsetBytes + gotBytes, lengthBytes);
      } catch (err) {
        scan.readFailure = { blockIndex, offsetBytes, gotBytes, wantBytes, cause: (err as Error).message };
        return scan;
      }
      crc = crc32c(scratch.subarray(0, readBytes), crc);
      gotBytes += readBytes;
      if (readBytes < lengthBytes) {
        scan.readFailure = { blockIndex, offsetBytes, gotBytes, wantBytes, cause: 'EOF' };
        return scan;
      }
    }
    if (crc >>> 0 !== entry.blockCrc32c.readUInt32LE(blockIndex * 4)) scan.mismatches.push({ blockIndex, offsetBytes });
    scan.blocksScanned++;
  }
  return scan;
}

export interface ResolvedBitrot {
  status: BitrotStatus;
  protection: BitrotProtection | null;
  sidecarPath: string | null;
}

/**
 * What protection a volume mounted with this geometry has. A generation-0 sidecar that records
 * a different layout throws: one of the two records is wrong, and serving through either could
 * return the wrong bytes.
 */
export async function resolveBitrot(
  dirs: string[],
  base: string,
  volumeId: number,
  geometry: { dataShards: number; parityShards: number; blockSizeBytes: number },
): Promise<ResolvedBitrot> {
  const sidecarPath = await findBitrotSidecar(dirs, base);
  if (sidecarPath === null) return { status: 'off', protection: null, sidecarPath };
  let prot: BitrotProtection;
  try {
    prot = await readBitrotSidecar(sidecarPath);
  } catch {
    return { status: 'invalid', protection: null, sidecarPath };
  }
  if (prot.generation !== 0 || prot.ecShardConfig === null) return { status: 'off', protection: null, sidecarPath };
  const c = prot.ecShardConfig;
  if (
    c.dataShards !== geometry.dataShards ||
    c.parityShards !== geometry.parityShards ||
    c.blockSizeBytes !== geometry.blockSizeBytes
  ) {
    throw new Error(
      `ec volume ${volumeId} generation 0: ${sidecarPath} records layout ${c.dataShards}+${c.parityShards} block ${c.blockSizeBytes} but the volume is mounted as ` +
        `${geometry.dataShards}+${geometry.parityShards} block ${geometry.blockSizeBytes}; refusing to serve one of the two layouts`,
    );
  }
  if (bitrotManifestProblem(prot, geometry.dataShards, geometry.parityShards) !== null)
    return { status: 'invalid', protection: null, sidecarPath };
  return { status: 'on', protection: prot, sidecarPath };
}

/**
 * Checks the data shards a decode is about to copy into a `.dat` against the manifest: a corrupt
 * one copied there is lost for good once the caller deletes the parity that could repair it.
 */
export async function verifyDataShards(resolved: ResolvedBitrot, dataShardPaths: string[]): Promise<void> {
  if (resolved.status === 'off') return;
  if (resolved.status === 'invalid' || resolved.protection === null)
    throw new Error('bitrot sidecar is malformed or unverifiable');
  const prot = resolved.protection;
  for (const [shardId, shardPath] of dataShardPaths.entries()) {
    const entry = prot.shards.find((s) => s.shardId === shardId);
    if (entry === undefined) continue;
    const bad = await mismatchedBlocks(shardPath, entry, prot.checksumBlockSizeBytes);
    if (bad.length > 0)
      throw new Error(`data shard ${shardId} ${shardPath} fails its bitrot checksum in ${bad.length} blocks`);
  }
}
