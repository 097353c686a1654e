// One line of text for an agent's progress: a bar, the percentage, rate and ETA.
import type { ProgressSnapshot } from '../storage/maintenance/agent-progress.ts';

const BAR_WIDTH_CHARS = 30;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function formatDurationMs(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatProgress(p: ProgressSnapshot): string {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesScanned / p.totalBytes) : p.finishedAtMs !== null ? 1 : 0;
  const filled = Math.round(fraction * BAR_WIDTH_CHARS);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH_CHARS - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = p.etaMs === null ? 'ETA ?' : `ETA ${formatDurationMs(p.etaMs)}`;
  return `${bar} ${percent} ${formatBytes(p.bytesScanned)}/${formatBytes(p.totalBytes)} ${formatBytes(p.rateBytesPerSecond)}/s ${eta} ${p.phase}, ${p.entriesScanned} records`;
}
