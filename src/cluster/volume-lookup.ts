// Where a volume lives, asked of the master (`/dir/lookup`). Successful answers are cached for a
// short while (volumes move, so not as long as upstream's 10 minutes); misses are not cached.
// HTTPS when [https.client] is enabled (the masters then serve HTTPS too).
import { httpScheme, outgoingFetch } from '../security/outgoing-http.ts';

const CACHE_TTL_MS = 60_000;
const LOOKUP_TIMEOUT_MS = 5_000;
const MAX_CACHED_VOLUMES = 10_000;

export interface VolumeLocationInfo {
  url: string;
  publicUrl: string;
  /** As the master's lookup reports them: replication skips read-only holders (deletes keep those that can delete). */
  readOnly?: boolean;
  readOnlyCanDelete?: boolean;
}

export class VolumeLookup {
  private readonly cache = new Map<number, { locations: VolumeLocationInfo[]; expiresAtMs: number }>();

  /** `masters()` gives the current master first, then the seeds. */
  constructor(private readonly masters: () => string[]) {}

  async lookup(volumeId: number): Promise<VolumeLocationInfo[]> {
    const cached = this.cache.get(volumeId);
    if (cached !== undefined && cached.expiresAtMs > Date.now()) return cached.locations;
    let lastError: unknown = new Error('no master to ask');
    for (const master of this.masters()) {
      try {
        const response = await outgoingFetch(`${httpScheme()}://${master}/dir/lookup?volumeId=${volumeId}`, {
          signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
        });
        const body = (await response.json()) as { locations?: VolumeLocationInfo[]; error?: string };
        const locations = (body.locations ?? []).filter((l) => typeof l.url === 'string' && l.url !== '');
        if (locations.length > 0) {
          if (this.cache.size >= MAX_CACHED_VOLUMES) this.cache.clear();
          this.cache.set(volumeId, { locations, expiresAtMs: Date.now() + CACHE_TTL_MS });
        }
        return locations;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }

  forget(volumeId: number): void {
    this.cache.delete(volumeId);
  }
}
