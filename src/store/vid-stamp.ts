// `.vid_stamp` in every data directory (4.53): the highest volume id this server has seen and
// the master's topology id, so a restarted server reports a bound covering ids it once held or
// was told of, even when their volumes are gone. JSON as upstream writes it.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const VID_STAMP_FILE = '.vid_stamp';

export interface VidStamp {
  maxVolumeId: number;
  topologyId?: string;
}

/** The stamp in `dir`, or null when absent or unreadable (a bad stamp only loses a bound). */
export async function readVidStamp(dir: string): Promise<VidStamp | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, VID_STAMP_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as { maxVolumeId?: unknown; topologyId?: unknown };
    const maxVolumeId =
      typeof parsed.maxVolumeId === 'number' && Number.isInteger(parsed.maxVolumeId) && parsed.maxVolumeId >= 0
        ? parsed.maxVolumeId
        : 0;
    const topologyId = typeof parsed.topologyId === 'string' ? parsed.topologyId : '';
    return { maxVolumeId, ...(topologyId !== '' ? { topologyId } : {}) };
  } catch {
    return null;
  }
}

/** Writes the stamp crash-safely: temp file, fsync, rename, fsync of the directory. */
export async function writeVidStamp(dir: string, stamp: VidStamp): Promise<void> {
  const body = JSON.stringify({
    maxVolumeId: stamp.maxVolumeId,
    ...(stamp.topologyId ? { topologyId: stamp.topologyId } : {}),
  });
  const tmp = path.join(dir, `${VID_STAMP_FILE}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, path.join(dir, VID_STAMP_FILE));
  const dirHandle = await fs.open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
