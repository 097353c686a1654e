// The data folders of `weed volume`: -dir paired with -max, -disk, -minFreeSpace, -tags and
// -dir.idx, by upstream's rules (one value for every folder, or one per folder).
import path from 'node:path';
import { goQuote } from '../gocompat/go-value-syntax.ts';
import type { MinFreeSpace } from '../store/min-free-space.ts';
import { FlagError, type FlagValues } from './flag-set.ts';

export interface VolumeFolder {
  dir: string;
  /** 0 means "auto": free disk space divided by the volume size limit. */
  maxVolumeCount: number;
  /** Go's types.ToDiskType: lower-cased, and '' for hdd (what the heartbeat reports). */
  diskType: string;
  /** Lower-cased, de-duplicated tags from -tags (':'-separated per folder). */
  tags: string[];
  minFreeSpace: MinFreeSpace;
  /** From -dir.idx: where .idx files live instead of next to the .dat; the same for every folder. */
  idxDir?: string;
}

/** util.ResolvePath: only a leading `~` is expanded. */
export function resolveHome(dir: string, homeDir: string): string {
  if (dir === '~') return homeDir;
  if (dir.startsWith('~/')) return path.join(homeDir, dir.slice(2));
  return dir;
}

/** A single value applies to every folder; otherwise there must be one per folder (Go's rule). */
function perFolder<T>(items: T[], folderCount: number, mismatch: string): T[] {
  if (items.length === 1 && folderCount > 1) return Array.from({ length: folderCount }, () => items[0]!);
  if (items.length !== folderCount) throw new FlagError(mismatch);
  return items;
}

function parseMaxVolumeCount(text: string): number {
  // Go: strconv.ParseInt(s, 10, 64) then int32; base 10 only, no spaces.
  if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2 ** 31 - 1) {
    throw new FlagError(`The max specified in -max not a valid number ${text}`, 'max');
  }
  return Number(text);
}

const BYTE_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['b', 1],
  ['', 1],
  ['kib', 2 ** 10],
  ['ki', 2 ** 10],
  ['kb', 1e3],
  ['k', 1e3],
  ['mib', 2 ** 20],
  ['mi', 2 ** 20],
  ['mb', 1e6],
  ['m', 1e6],
  ['gib', 2 ** 30],
  ['gi', 2 ** 30],
  ['gb', 1e9],
  ['g', 1e9],
  ['tib', 2 ** 40],
  ['ti', 2 ** 40],
  ['tb', 1e12],
  ['t', 1e12],
  ['pib', 2 ** 50],
  ['pi', 2 ** 50],
  ['pb', 1e15],
  ['p', 1e15],
  ['eib', 2 ** 60],
  ['ei', 2 ** 60],
  ['eb', 1e18],
  ['e', 1e18],
]);
const GO_FLOAT_SYNTAX = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** util.ParseMinFreeSpace: a plain number is a percentage (0..100); else util.ParseBytes, > 100 bytes. */
export function parseMinFreeSpace(text: string): MinFreeSpace {
  const raw = text.trim();
  const bad = (): FlagError =>
    new FlagError(`The value specified in -minFreeSpace not a valid value ${text}`, 'minFreeSpace');
  if (GO_FLOAT_SYNTAX.test(raw)) {
    const percent = Number(raw);
    if (percent < 0 || percent > 100) throw bad();
    return { kind: 'percent', percent, raw };
  }
  const number = /^[\d.]*/.exec(raw)![0];
  const multiplier = BYTE_SUFFIXES.get(raw.slice(number.length).trim().toLowerCase());
  if (!GO_FLOAT_SYNTAX.test(number) || multiplier === undefined) throw bad();
  const bytes = Math.floor(Number(number) * multiplier);
  if (bytes <= 100) throw bad();
  return { kind: 'bytes', bytes, raw };
}

/** types.ToDiskType: lower-cased; "hdd" and "" are both the default hard-drive type, ''. */
function toDiskType(text: string): string {
  const lower = text.toLowerCase();
  return lower === 'hdd' ? '' : lower;
}

/** util.NormalizeTagList. */
function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

/** parseVolumeTags: one entry applies to all folders; otherwise entry i to folder i, extras ignored. */
function folderTags(tagsArg: string, folderCount: number): string[][] {
  const entries = tagsArg.trim() === '' ? [] : tagsArg.split(',');
  if (entries.length === 1) {
    const tags = normalizeTags(entries[0]!.split(':'));
    return Array.from({ length: folderCount }, () => [...tags]);
  }
  return Array.from({ length: folderCount }, (_, i) =>
    i < entries.length ? normalizeTags(entries[i]!.split(':')) : [],
  );
}

/** The folders of -dir (`dirFlag`, default already applied), with each one's limits and tags. */
export function resolveFolders(v: FlagValues, dirFlag: string, homeDir: string): VolumeFolder[] {
  const dirs = dirFlag.split(',').map((d) => resolveHome(d, homeDir));
  if (dirs.some((d) => d === ''))
    throw new FlagError(`invalid value ${goQuote(dirFlag)} for flag -dir: empty directory name`, 'dir');
  const count = dirs.length;
  const maxCounts = perFolder(
    v.string('max').split(',').map(parseMaxVolumeCount),
    count,
    `${count} directories by -dir, but only ${v.string('max').split(',').length} max is set by -max`,
  );
  const minFreeText = v.string('minFreeSpace') || v.string('minFreeSpacePercent');
  const minFreeSpaces = perFolder(
    minFreeText.split(',').map(parseMinFreeSpace),
    count,
    `${count} directories by -dir, but only ${minFreeText.split(',').length} minFreeSpacePercent is set by -minFreeSpacePercent`,
  );
  const diskTypes = perFolder(
    v.string('disk').split(',').map(toDiskType),
    count,
    `${count} directories by -dir, but only ${v.string('disk').split(',').length} disk types is set by -disk`,
  );
  const tags = folderTags(v.string('tags'), count);
  const idxDirFlag = v.string('dir.idx');
  const idxDir = idxDirFlag === '' ? undefined : resolveHome(idxDirFlag, homeDir);
  return dirs.map((dir, i) => ({
    dir,
    maxVolumeCount: maxCounts[i]!,
    diskType: diskTypes[i]!,
    tags: tags[i]!,
    minFreeSpace: minFreeSpaces[i]!,
    ...(idxDir === undefined ? {} : { idxDir }),
  }));
}
