// Volume ids, needle ids, cookies and the file id strings that join them ("3,01637037d6").
import { StorageError } from '../errors.ts';
import { MAX_NEEDLE_ID } from '../types.ts';

export interface FileId {
  readonly volumeId: number;
  readonly needleId: bigint;
  readonly cookie: number;
}

const MAX_VOLUME_ID = 0xffff_ffff;
const HEX_RE = /^[0-9a-fA-F]+$/;
const DECIMAL_RE = /^\d+$/;

function invalid(message: string): StorageError {
  return new StorageError('invalid_file_id', message);
}

export function parseVolumeId(text: string): number {
  // Go wraps ids >= 2^32; we reject them instead of addressing the wrong volume.
  if (!DECIMAL_RE.test(text) || text.length > 10) throw invalid(`invalid volume id ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value > MAX_VOLUME_ID) throw invalid(`volume id ${text} out of range`);
  return value;
}

/** Key and cookie in Go's compact form: key bytes with leading zero bytes dropped, then 8 cookie digits. */
export function formatNeedleIdCookie(needleId: bigint, cookie: number): string {
  const keyHex = needleId.toString(16);
  const keyPart = needleId === 0n ? '' : keyHex.length % 2 === 1 ? `0${keyHex}` : keyHex;
  return keyPart + (cookie >>> 0).toString(16).padStart(8, '0');
}

export function parseNeedleIdCookie(text: string): { needleId: bigint; cookie: number } {
  if (text.length <= 8) throw invalid(`KeyHash is too short: ${JSON.stringify(text)}`);
  if (text.length > 24) throw invalid(`KeyHash is too long: ${JSON.stringify(text)}`);
  if (!HEX_RE.test(text)) throw invalid(`KeyHash is not hex: ${JSON.stringify(text)}`);
  const split = text.length - 8;
  const needleId = BigInt(`0x${text.slice(0, split)}`);
  const cookie = Number.parseInt(text.slice(split), 16) >>> 0;
  return { needleId, cookie };
}

export function formatFileId(fid: FileId): string {
  return `${fid.volumeId},${formatNeedleIdCookie(fid.needleId, fid.cookie)}`;
}

/** Parses `<vid>,<keycookie>` exactly (no extension or `_n` suffix; see parseFileIdPath for URLs). */
export function parseFileId(text: string): FileId {
  const comma = text.indexOf(',');
  if (comma <= 0) throw invalid(`invalid file id ${JSON.stringify(text)}`);
  const volumeId = parseVolumeId(text.slice(0, comma));
  const { needleId, cookie } = parseNeedleIdCookie(text.slice(comma + 1));
  return { volumeId, needleId, cookie };
}

/**
 * Parses the key-cookie part of an HTTP path: drops an extension after the last '.', and adds a
 * `_<n>` suffix (used by multi-count assigns) to the key, refusing overflow.
 */
export function parseNeedlePathPart(text: string): { needleId: bigint; cookie: number; extension: string } {
  let part = text;
  let extension = '';
  const dot = part.lastIndexOf('.');
  if (dot >= 0) {
    extension = part.slice(dot);
    part = part.slice(0, dot);
  }
  let delta = 0n;
  const underscore = part.lastIndexOf('_');
  if (underscore > 0) {
    const suffix = part.slice(underscore + 1);
    if (!DECIMAL_RE.test(suffix) || suffix.length > 20) throw invalid(`invalid delta ${JSON.stringify(suffix)}`);
    delta = BigInt(suffix);
    part = part.slice(0, underscore);
  }
  const parsed = parseNeedleIdCookie(part);
  const needleId = parsed.needleId + delta;
  if (needleId > MAX_NEEDLE_ID) throw invalid(`needle id overflow in ${JSON.stringify(text)}`);
  return { needleId, cookie: parsed.cookie, extension };
}
