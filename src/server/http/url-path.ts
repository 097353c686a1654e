// URL shapes of the store handlers (Go's parseURLPath) and the fid grammar with Go's error texts.
import { GoParseError, goQuote, parseGoUint } from '../../gocompat/go-value-syntax.ts';
import { goExt } from './raw-target.ts';

export interface UrlPathParts {
  vid: string;
  fid: string;
  /** Only in the `/vid/fid/filename` shape. */
  filename: string;
  ext: string;
  isVolumeIdOnly: boolean;
}

function countSlashes(path: string): number {
  let count = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 0x2f) count++;
  return count;
}

/**
 * `/vid,fid[.ext]`, `/vid/fid[.ext]`, `/vid/fid/filename`; deeper paths use their last segment.
 * (Go slices deeper paths with a relative index and panics; the reference says use the last segment.)
 */
export function parseUrlPath(path: string): UrlPathParts {
  const parts: UrlPathParts = { vid: '', fid: '', filename: '', ext: '', isVolumeIdOnly: false };
  const slashes = countSlashes(path);
  if (slashes === 3) {
    const [, vid = '', fid = '', filename = ''] = path.split('/');
    return { ...parts, vid, fid, filename, ext: goExt(filename) };
  }
  if (slashes === 2) {
    const [, vid = '', fidPart = ''] = path.split('/');
    const dot = fidPart.lastIndexOf('.');
    if (dot > 0) return { ...parts, vid, fid: fidPart.slice(0, dot), ext: fidPart.slice(dot) };
    return { ...parts, vid, fid: fidPart };
  }
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const comma = segment.lastIndexOf(',');
  if (comma < 0) return { ...parts, vid: segment, isVolumeIdOnly: true };
  const vid = segment.slice(0, comma);
  const rest = segment.slice(comma + 1);
  const dot = rest.lastIndexOf('.');
  if (dot >= 0) return { ...parts, vid, fid: rest.slice(0, dot), ext: rest.slice(dot) };
  return { ...parts, vid, fid: rest };
}

export class FidParseError extends Error {}

/**
 * needle.NewVolumeId: decimal uint64. Go then truncates to uint32; we refuse ids above 2^32-1
 * (as the store does) rather than address another volume.
 */
export function parseHttpVolumeId(vid: string): number {
  try {
    const value = parseGoUint(vid, 10, 64);
    if (value > 0xffff_ffffn) throw new GoParseError(`strconv.ParseUint: parsing ${goQuote(vid)}: value out of range`);
    return Number(value);
  } catch (err) {
    if (err instanceof GoParseError) throw new FidParseError(err.message);
    throw err;
  }
}

const MAX_NEEDLE_ID = 0xffff_ffff_ffff_ffffn;

/** Needle.ParsePath: `<key hex><8 cookie hex>[_<delta>]`, with Go's messages. */
export function parseHttpFid(fid: string): { needleId: bigint; cookie: number } {
  if (fid.length <= 8) throw new FidParseError(`Invalid fid: ${fid}`);
  let keyCookie = fid;
  let delta = '';
  const underscore = fid.lastIndexOf('_');
  if (underscore > 0) {
    keyCookie = fid.slice(0, underscore);
    delta = fid.slice(underscore + 1);
  }
  if (keyCookie.length <= 8) throw new FidParseError('KeyHash is too short.');
  if (keyCookie.length > 24) throw new FidParseError('KeyHash is too long.');
  const split = keyCookie.length - 8;
  const keyText = keyCookie.slice(0, split);
  const cookieText = keyCookie.slice(split);
  let needleId: bigint;
  let cookie: number;
  try {
    needleId = parseGoUint(keyText, 16, 64);
  } catch (err) {
    throw new FidParseError(`Parse needleId error: needle id ${keyText} format error: ${(err as Error).message}`);
  }
  try {
    cookie = Number(parseGoUint(cookieText, 16, 32));
  } catch (err) {
    throw new FidParseError(`Parse cookie error: needle cookie ${cookieText} format error: ${(err as Error).message}`);
  }
  if (delta !== '') {
    let d: bigint;
    try {
      d = parseGoUint(delta, 10, 64);
    } catch (err) {
      throw new FidParseError((err as Error).message);
    }
    if (d > MAX_NEEDLE_ID - needleId)
      throw new FidParseError(`delta ${d} overflows needle id ${needleId.toString(16)}`);
    needleId += d;
  }
  return { needleId, cookie };
}

/** The fid text a write uses: after the path's last comma, up to a later dot (Go's CreateNeedleFromRequest). */
export function writeFidText(path: string): string {
  const comma = path.lastIndexOf(',');
  const dot = path.lastIndexOf('.');
  return dot > comma ? path.slice(comma + 1, dot) : path.slice(comma + 1);
}

/** The one needle a POST/PUT names: its JWT is checked against these texts and the write uses these ids. */
export interface WriteTarget {
  vidText: string;
  fidText: string;
  volumeId: number;
  needleId: bigint;
  cookie: number;
}

/**
 * Go checks a write's JWT against parseURLPath's fid but writes CreateNeedleFromRequest's, so
 * `/5/<fid>.x,<other>` or `/5/<fid>/x,<other>` wrote <other> under <fid>'s token. Here a path whose
 * two readings differ is refused. Throws FidParseError with Go's texts for a bad vid or fid.
 */
export function writeTargetOf(path: string, parts: { vid: string; fid: string } = parseUrlPath(path)): WriteTarget {
  const volumeId = parseHttpVolumeId(parts.vid);
  const fidText = writeFidText(path);
  const { needleId, cookie } = parseHttpFid(fidText);
  if (fidText !== parts.fid) {
    throw new FidParseError(`ambiguous fid in path: ${goQuote(parts.fid)} or ${goQuote(fidText)}`);
  }
  return { vidText: parts.vid, fidText, volumeId, needleId, cookie };
}

/** The vid and fid of a read URL as a target, or null when either is malformed. */
export function fileTargetOrNull(parts: { vid: string; fid: string }): ReturnType<typeof fileTargetOf> | null {
  try {
    return fileTargetOf(parts);
  } catch (err) {
    if (err instanceof FidParseError) return null;
    throw err;
  }
}

/** The vid and fid of a read URL as a target; throws FidParseError when either is malformed. */
export function fileTargetOf(parts: { vid: string; fid: string }): {
  vidText: string;
  fidText: string;
  volumeId: number;
  needleId: bigint;
  cookie: number;
} {
  const volumeId = parseHttpVolumeId(parts.vid);
  const { needleId, cookie } = parseHttpFid(parts.fid);
  return { vidText: parts.vid, fidText: parts.fid, volumeId, needleId, cookie };
}
