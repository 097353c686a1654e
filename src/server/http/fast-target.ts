// The URL shape the fast path serves: exactly `/<vid>,<key><cookie>[.ext]` with an optional
// query, nothing to unescape or clean. Anything else is left to the app, which knows Go's rules.
import { FidParseError, type UrlPathParts, type WriteTarget, parseHttpFid, parseHttpVolumeId } from './url-path.ts';

const FAST_PATH_SHAPE = /^\/(\d{1,10}),([0-9a-fA-F]{9,24})(\.[0-9A-Za-z]{1,16})?$/;

export interface FastTarget {
  /** The decoded path, equal to the raw one here. */
  path: string;
  rawQuery: string;
  parts: UrlPathParts;
  volumeId: number;
  needleId: bigint;
  cookie: number;
  /** What a POST/PUT of this path writes: the path's own fid (writeTargetOf's answer for this shape). */
  write: WriteTarget;
}

/** Key digits that always fit 64 bits: parsed here directly (the regex has checked they are hex). */
const MAX_DIRECT_KEY_DIGITS = 16;
/** Volume ids of up to this many digits (the regex has checked they are digits) are below 2^32: read directly. */
const MAX_DIRECT_VID_DIGITS = 9;
const COOKIE_DIGITS = 8;

export function fastTargetOf(url: string | undefined): FastTarget | null {
  if (url === undefined) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const match = FAST_PATH_SHAPE.exec(path);
  if (match === null) return null;
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  if (rawQuery.includes('#')) return null;
  const vid = match[1] as string;
  const fid = match[2] as string;
  try {
    const volumeId = vid.length <= MAX_DIRECT_VID_DIGITS ? Number(vid) : parseHttpVolumeId(vid);
    const split = fid.length - COOKIE_DIGITS;
    const { needleId, cookie } =
      split <= MAX_DIRECT_KEY_DIGITS
        ? { needleId: BigInt(`0x${fid.slice(0, split)}`), cookie: Number.parseInt(fid.slice(split), 16) }
        : parseHttpFid(fid);
    const write = { vidText: vid, fidText: fid, volumeId, needleId, cookie };
    return {
      path,
      rawQuery,
      parts: { vid, fid, filename: '', ext: match[3] ?? '', isVolumeIdOnly: false },
      volumeId,
      needleId,
      cookie,
      write,
    };
  } catch (err) {
    if (err instanceof FidParseError) return null;
    throw err;
  }
}
