// Go's util.MinFreeSpace: the reserve -minFreeSpace keeps free on a disk, and when it is low.

/** A value <= 100 is a percentage, anything with a size suffix is bytes; `raw` as given. */
export type MinFreeSpace = { kind: 'percent'; percent: number; raw: string } | { kind: 'bytes'; bytes: number; raw: string };

export interface DiskSpace {
  totalBytes: number;
  /** Available to unprivileged users (statfs bavail), as upstream counts free space. */
  freeBytes: number;
}

/** util.MinFreeSpace.IsLow, with upstream's description of the verdict for the log. */
export function isDiskSpaceLow(reserve: MinFreeSpace, space: DiskSpace): { low: boolean; description: string } {
  if (reserve.kind === 'percent') {
    // Upstream's PercentFree is a float32 of free/all*100.
    const percentFree = space.totalBytes > 0 ? Math.fround((space.freeBytes / space.totalBytes) * 100) : 0;
    const low = percentFree < reserve.percent;
    return { low, description: `disk free ${percentFree.toFixed(2)}% ${low ? '<' : '>='} required ${reserve.percent.toFixed(2)}%` };
  }
  const low = space.freeBytes < reserve.bytes;
  return { low, description: `disk free ${space.freeBytes} bytes ${low ? '<' : '>='} required ${reserve.bytes} bytes` };
}
