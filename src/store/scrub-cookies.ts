// The one check a scrub can make of a needle's cookie. The `.idx` holds no cookie and the CRC
// covers only the data, so a flipped bit in a header's cookie would go unseen. But an overwrite of
// a live needle must carry the cookie already stored (upstream refuses it otherwise: "mismatching
// cookie"), so every version of a key written since its last deletion shares one cookie. The scrub
// remembers the cookie of each superseded version it passes and holds the live version to it.
// A record of size 0 (a deletion, or an empty write) forgets the key. Upstream binds even a
// rewrite after a deletion to the old cookie, but this check must never accuse a healthy volume,
// so it only claims what holds for certain.
import assert from 'node:assert/strict';

/** Keys remembered per pass; superseded versions are garbage awaiting vacuum, normally few. */
export const MAX_REMEMBERED_COOKIES = 65_536;

export class CookieChain {
  private readonly cookies = new Map<bigint, number>();
  /** Superseded versions not remembered because the map was full: their live version goes unchecked. */
  skippedFull = 0;

  constructor(private readonly maxEntries = MAX_REMEMBERED_COOKIES) {
    assert.ok(maxEntries > 0);
  }

  get size(): number {
    return this.cookies.size;
  }

  /** A version of `id` that the index no longer points at. */
  superseded(id: bigint, cookie: number): void {
    if (!this.cookies.has(id) && this.cookies.size >= this.maxEntries) {
      this.skippedFull++;
      return;
    }
    this.cookies.set(id, cookie);
  }

  /** A record of size 0 (a deletion, or an empty write): later versions need not match earlier ones. */
  forget(id: bigint): void {
    this.cookies.delete(id);
  }

  /**
   * The live version of `id`: the earlier version's cookie when it differs from `cookie`, else
   * undefined. Either way the key is done with for this pass.
   */
  mismatchOfLive(id: bigint, cookie: number): number | undefined {
    const earlier = this.cookies.get(id);
    this.cookies.delete(id);
    return earlier !== undefined && earlier !== cookie ? earlier : undefined;
  }
}
