// One `-dir`'s capacity as Go's stats.NewDiskStatus reports it (statfs; free = blocks available
// to unprivileged users), with the protobuf JSON names and omitempty rules of DiskStatus.
import { promises as fs } from 'node:fs';

/** Go prints float32 with the shortest digits that round-trip as float32. */
function float32Value(x: number): number {
  const f = Math.fround(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

export async function diskStatus(dir: string, diskType: string): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = { dir };
  try {
    const s = await fs.statfs(dir);
    const all = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    const used = all - free;
    // The reference notes clients expect all/used/free even when zero, so they are always present.
    out.all = all;
    out.used = used;
    out.free = free;
    if (all > 0) {
      const percentFree = float32Value((free / all) * 100);
      const percentUsed = float32Value((used / all) * 100);
      if (percentFree !== 0) out.percent_free = percentFree;
      if (percentUsed !== 0) out.percent_used = percentUsed;
    }
  } catch (err) {
    out.all = 0;
    out.used = 0;
    out.free = 0;
    if (diskType !== '') out.disk_type = diskType;
    out.error = `disk health check failed: statfs: ${(err as Error).message}`;
    return out;
  }
  if (diskType !== '') out.disk_type = diskType;
  return out;
}
