// Replication on write and delete: for a volume whose placement asks for more than one copy, the
// write is applied locally and then forwarded (type=replicate) to every other holder the master
// lists; the client hears 201 only once all of them have it, as upstream does.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { VolumeLookup, VolumeLocationInfo } from '../../master/volume-lookup.ts';
import { httpScheme, outgoingFetch } from '../../security/outgoing-http.ts';
import { type Needle, NeedleFlag, hasFlag } from '../../storage/needle/needle.ts';
import { ttlToString } from '../../storage/needle/ttl.ts';
import { copyCount } from '../../storage/replica-placement.ts';
import type { Volume } from '../../storage/volume.ts';
import { deleteLocally, writeLocally } from './default-hooks.ts';
import type { HttpHooks } from './deps.ts';
import type { AppEnv } from './request-info.ts';

const REPLICA_TIMEOUT_MS = 60_000;

export interface ReplicationOptions {
  lookup: VolumeLookup;
  /** This server's `ip:port`. */
  selfAddress: string;
}

/** Replica locations; a stale cached answer with too few copies is refreshed once before failing. */
async function replicaTargets(options: ReplicationOptions, volume: Volume): Promise<VolumeLocationInfo[]> {
  const copies = copyCount(volume.superBlock.replicaPlacement);
  let locations: VolumeLocationInfo[];
  try {
    locations = await options.lookup.lookup(volume.id);
    if (locations.length < copies) {
      options.lookup.forget(volume.id);
      locations = await options.lookup.lookup(volume.id);
    }
  } catch (err) {
    throw new Error(`replicating lookup failed for ${volume.id}: ${(err as Error).message}`);
  }
  if (locations.length < copies) {
    options.lookup.forget(volume.id);
    throw new Error(`replicating operations [${locations.length}] is less than volume ${volume.id} replication copy count [${copies}]`);
  }
  return locations.filter((l) => l.url !== options.selfAddress);
}

function quote(text: string): string {
  return text.replace(/["\\\r\n]/g, (ch) => `\\${ch}`);
}

/** The needle as a one-part multipart upload, bytes as stored (gzip flagged by Content-Encoding). */
function multipartOf(needle: Needle): { body: Buffer; contentType: string } {
  const boundary = randomBytes(16).toString('hex');
  const name = Buffer.from(needle.name).toString('latin1');
  const mime = Buffer.from(needle.mime).toString('latin1');
  const head = [
    `--${boundary}`,
    `Content-Disposition: form-data; name="file"; filename="${quote(name)}"`,
    `Content-Type: ${mime === '' ? 'application/octet-stream' : mime}`,
    ...(hasFlag(needle, NeedleFlag.IsCompressed) ? ['Content-Encoding: gzip'] : []),
    '',
    '',
  ].join('\r\n');
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), needle.data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function forwardedHeaders(c: Context, needle: Needle | null): Record<string, string> {
  const headers: Record<string, string> = {};
  const auth = c.req.header('authorization');
  if (auth !== undefined) headers['authorization'] = auth;
  if (needle !== null && hasFlag(needle, NeedleFlag.HasPairs) && needle.pairs.length > 0) {
    try {
      const pairs = JSON.parse(Buffer.from(needle.pairs).toString('utf8')) as Record<string, string>;
      for (const [key, value] of Object.entries(pairs)) headers[`Seaweed-${key}`] = String(value);
    } catch {
      // Pairs that are not JSON are not forwarded (upstream stores only JSON here).
    }
  }
  return headers;
}

export function replicationHooks(options: ReplicationOptions): Pick<HttpHooks, 'replicatedWrite' | 'replicatedDelete'> {
  return {
    async replicatedWrite(c, write) {
      const volume = write.volume;
      if (write.isReplicate || volume === undefined || copyCount(volume.superBlock.replicaPlacement) <= 1) return writeLocally(write);
      const targets = await replicaTargets(options, volume);
      const result = await writeLocally(write);
      const info = (c as Context<AppEnv>).get('info');
      const n = write.needle;
      const query = new URLSearchParams({ type: 'replicate', ttl: hasFlag(n, NeedleFlag.HasTtl) ? ttlToString(n.ttl) : '' });
      if (n.lastModified > 0) query.set('ts', String(n.lastModified));
      if (write.fsync) query.set('fsync', 'true');
      if (hasFlag(n, NeedleFlag.IsChunkManifest)) query.set('cm', 'true');
      const { body, contentType } = multipartOf(n);
      const headers = { ...forwardedHeaders(c, n), 'content-type': contentType };
      const failures = await Promise.all(
        targets.map(async (target) => {
          try {
            const response = await outgoingFetch(`${httpScheme()}://${target.url}${info.path}?${query.toString()}`, {
              method: 'POST',
              headers,
              body,
              signal: AbortSignal.timeout(REPLICA_TIMEOUT_MS),
            });
            const text = await response.text();
            if (response.status === 201 || response.status === 204) return null;
            return `[${target.url}]: status ${response.status} ${text}`;
          } catch (err) {
            return `[${target.url}]: ${(err as Error).message}`;
          }
        }),
      );
      const failed = failures.find((f) => f !== null);
      if (failed !== undefined && failed !== null) throw new Error(`failed to write to replicas for volume ${volume.id}: ${failed}`);
      return result;
    },

    async replicatedDelete(c, del) {
      if (del.isReplicate || copyCount(del.volume.superBlock.replicaPlacement) <= 1) return deleteLocally(del);
      const targets = await replicaTargets(options, del.volume);
      await deleteLocally(del);
      const info = (c as Context<AppEnv>).get('info');
      const headers = forwardedHeaders(c, null);
      for (const target of targets) {
        const response = await outgoingFetch(`${httpScheme()}://${target.url}${info.path}?type=replicate`, { method: 'DELETE', headers, signal: AbortSignal.timeout(REPLICA_TIMEOUT_MS) });
        await response.arrayBuffer();
        if (![200, 202, 204, 404].includes(response.status)) throw new Error(`replica ${target.url} answered ${response.status}`);
      }
    },
  };
}
