// Real Reed-Solomon on the calling thread, for EC tests that need no worker pool. `calls` counts
// reconstructs, so a test can tell that a path which should rebuild did.
import type { ParityCoder } from '../../src/ec/ec-encoder.ts';
import { ReedSolomon } from '../../src/ec/codec/reed-solomon.ts';

export function inThreadCoder(calls: { reconstruct: number } = { reconstruct: 0 }): ParityCoder {
  return {
    async encodeParity(dataShards, parityShards, data) {
      const parity = Array.from({ length: parityShards }, () => new Uint8Array((data[0] as Uint8Array).length));
      new ReedSolomon(dataShards, parityShards).encode([...data, ...parity]);
      return parity;
    },
    async reconstruct(dataShards, parityShards, shards, wanted) {
      calls.reconstruct++;
      const all = [...shards];
      new ReedSolomon(dataShards, parityShards).reconstruct(all, wanted);
      return new Map(wanted.map((id) => [id, all[id] as Uint8Array]));
    },
  };
}
