// The cache of EC shard holders in front of the master's LookupEcVolume: bounded by least recent
// use, and an entry older than its TTL is looked up again. The lookup and the clock are injected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCATIONS_TTL_MS, MAX_CACHED_VOLUMES, RemoteEcShards } from '../../../src/cluster/ec-remote-shards.ts';

function harness() {
  const lookups: number[] = [];
  // lru-cache treats an entry stored at time 0 as having no TTL; start the clock elsewhere.
  const clock = { ms: 1_000_000, now: () => clock.ms };
  const shards = new RemoteEcShards(() => ['master-a:9333'], '10.0.0.1:8080', {
    clock,
    lookup: async (_master, volumeId) => {
      lookups.push(volumeId);
      return new Map([[0, [`holder-of-${volumeId}:8080.18080`]]]);
    },
  });
  const lookedUp = async (volumeId: number): Promise<boolean> => {
    const before = lookups.length;
    await shards.holdersOf(volumeId);
    return lookups.length > before;
  };
  return { shards, clock, lookups, lookedUp };
}

describe('RemoteEcShards holder cache', () => {
  it('caches a lookup and returns what the master said', async () => {
    const { shards, lookups } = harness();
    const first = await shards.holdersOf(7);
    assert.deepEqual([...first], [[0, ['holder-of-7:8080.18080']]]);
    assert.equal(await shards.holdersOf(7), first);
    assert.deepEqual(lookups, [7]);
  });

  it('one volume past the limit evicts only the least recently used one', async () => {
    const { lookups, lookedUp } = harness();
    for (let vid = 1; vid <= MAX_CACHED_VOLUMES; vid++) assert.equal(await lookedUp(vid), true);
    // Volume 1 was stored first; using it again leaves volume 2 the least recently used.
    assert.equal(await lookedUp(1), false);
    assert.equal(await lookedUp(MAX_CACHED_VOLUMES + 1), true);
    const lookupsBefore = lookups.length;
    for (const vid of [1, 3, MAX_CACHED_VOLUMES, MAX_CACHED_VOLUMES + 1])
      assert.equal(await lookedUp(vid), false, `volume ${vid} still cached`);
    assert.equal(lookups.length, lookupsBefore);
    assert.equal(await lookedUp(2), true, 'volume 2 was evicted');
  });

  it('looks an entry up again once it is older than the TTL', async () => {
    const { clock, lookedUp, lookups } = harness();
    assert.equal(await lookedUp(5), true);
    clock.ms += LOCATIONS_TTL_MS - 1;
    assert.equal(await lookedUp(5), false, 'fresh within the TTL');
    clock.ms += 2;
    assert.equal(await lookedUp(5), true, 'refetched past the TTL');
    // The refetched entry starts a new TTL.
    clock.ms += LOCATIONS_TTL_MS - 1;
    assert.equal(await lookedUp(5), false);
    assert.deepEqual(lookups, [5, 5]);
  });

  it('asks the next master when one fails, and caches nothing when all fail', async () => {
    const asked: string[] = [];
    const shards = new RemoteEcShards(() => ['m1:9333', 'm2:9333'], '10.0.0.1:8080', {
      lookup: async (master) => {
        asked.push(master);
        throw new Error(`${master} down`);
      },
    });
    await assert.rejects(shards.holdersOf(9), /m2:9333 down/);
    await assert.rejects(shards.holdersOf(9), /m2:9333 down/);
    assert.deepEqual(asked, ['m1:9333', 'm2:9333', 'm1:9333', 'm2:9333']);
  });
});
