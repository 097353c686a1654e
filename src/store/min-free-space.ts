// Go's util.MinFreeSpace: the reserve -minFreeSpace keeps free on a disk, when it is low, and
// how much is available above it; and a disk's space as upstream's stats.NewDiskStatus reads it.
import { promises as fs } from 'node:fs';

/** A value <= 100 is a percentage, anything with a size suffix is bytes; `raw` as given. */
export type MinFreeSpace =
  | { kind: 'percent'; percent: number; raw: string }
  | { kind: 'bytes'; bytes: number; raw: string };

export interface DiskSpace {
  totalBytes: number;
  /** Available to unprivileged users (statfs bavail), as upstream counts free space. */
  freeBytes: number;
}

export async function readDiskSpace(dir: string): Promise<DiskSpace> {
  const s = await fs.statfs(dir);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
}

/** util.MinFreeSpace.AvailableSpace: free space above the reserve, never negative. */
export function availableBytes(space: DiskSpace, reserve: MinFreeSpace | undefined): number {
  if (reserve === undefined) return space.freeBytes;
  const reserveBytes =
    reserve.kind === 'percent' ? Math.floor((space.totalBytes * reserve.percent) / 100) : reserve.bytes;
  return reserveBytes > space.freeBytes ? 0 : space.freeBytes - reserveBytes;
}

/** util.MinFreeSpace.IsLow, with upstream's description of the verdict for the log. */
export function isDiskSpaceLow(reserve: MinFreeSpace, space: DiskSpace): { low: boolean; description: string } {
  if (reserve.kind === 'percent') {
    // Upstream's PercentFree is a float32 of free/all*100.
    const percentFree = space.totalBytes > 0 ? Math.fround((space.freeBytes / space.totalBytes) * 100) : 0;
    const low = percentFree < reserve.percent;
    return {
      low,
      description: `disk free ${percentFree.toFixed(2)}% ${low ? '<' : '>='} required ${reserve.percent.toFixed(2)}%`,
    };
  }
  const low = space.freeBytes < reserve.bytes;
  return { low, description: `disk free ${space.freeBytes} bytes ${low ? '<' : '>='} required ${reserve.bytes} bytes` };
}
