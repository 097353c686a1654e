// One volume id's EC runtimes (one per disk location holding some of its shards) resolved into a
// single view a scrub can verify, as upstream's MergeEcRuntimes: only runtimes of the newest
// encode run and of the anchor's geometry are merged; the others are reported, never dropped,
// because applying one layout's offsets and checksums to another's shards reports false damage.
import { assert } from '../storage/types.ts';
import type { EcShard } from './ec-shard.ts';
import type { EcVolume } from './ec-volume.ts';

export interface MergedShard {
  shard: EcShard;
  /** The runtime (disk) the shard is mounted on. */
  runtime: EcVolume;
}

export interface MergedEcRuntimes {
  /** Volume-level metadata source: geometry, encode run. Not the bitrot source (that is per disk). */
  anchor: EcVolume;
  /** The runtimes whose shards are safe to verify together, in location order. */
  merged: EcVolume[];
  /** One per shard id, ascending; a shard mounted on two disks counts once (the first). */
  shards: MergedShard[];
  /** One line per runtime the encode-run or geometry fence excluded. */
  skipped: string[];
}

function sameGeometry(a: EcVolume, b: EcVolume): boolean {
  return (
    a.ratio.dataShards === b.ratio.dataShards &&
    a.ratio.parityShards === b.ratio.parityShards &&
    a.blockSizeBytes === b.blockSizeBytes
  );
}

function geometryText(v: EcVolume): string {
  return `${v.ratio.dataShards}+${v.ratio.parityShards} bs ${v.blockSizeBytes}`;
}

/** Null for no runtimes (the volume vanished). `runtimes` are one volume id's, in location order. */
export function mergeEcRuntimes(runtimes: EcVolume[]): MergedEcRuntimes | null {
  const first = runtimes[0];
  if (first === undefined) return null;
  for (const v of runtimes)
    assert(v.volumeId === first.volumeId, `merging ec volume ${v.volumeId} into ${first.volumeId}`);

  // The newest run anchors (0 everywhere means no .vif recorded one: nothing is excluded).
  let anchorGen = 0n;
  for (const v of runtimes) if (v.encodeTsNs > anchorGen) anchorGen = v.encodeTsNs;
  const genMatches = runtimes.filter((v) => v.encodeTsNs === anchorGen);
  const anchor = genMatches.find((v) => v.shards.size > 0) ?? (genMatches[0] as EcVolume);
  const merged = genMatches.filter((v) => sameGeometry(v, anchor));

  const byId = new Map<number, MergedShard>();
  for (const runtime of merged) {
    for (const shardId of runtime.shardIds()) {
      const shard = runtime.shards.get(shardId);
      if (shard !== undefined && !byId.has(shardId)) byId.set(shardId, { shard, runtime });
    }
  }
  const shards = [...byId.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);

  const skipped: string[] = [];
  for (const [position, v] of runtimes.entries()) {
    if (v.encodeTsNs !== anchorGen) {
      skipped.push(
        `EC volume ${v.volumeId} shards at ${v.options.dir} (position ${position}) belong to encode run ${v.encodeTsNs} but the scrub anchors on ${anchorGen}; they were not verified`,
      );
    } else if (!sameGeometry(v, anchor)) {
      skipped.push(
        `EC volume ${v.volumeId} shards at ${v.options.dir} (position ${position}) share encode run ${v.encodeTsNs} but disagree on geometry (${geometryText(v)} vs ${geometryText(anchor)}); they were not verified`,
      );
    }
  }
  return { anchor, merged, shards, skipped };
}
