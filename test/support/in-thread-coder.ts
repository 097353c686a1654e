// Real Reed-Solomon on the calling thread, for EC tests that need no worker pool. `calls` counts
// reconstructs, so a test can tell that a path which should rebuild did.
import { open } from 'node:fs/promises';
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

/** Flips one byte of a file in place (XOR with `mask`), as bit rot would. */
export async function flipByte(filePath: string, offsetBytes: number, mask = 0x5a): Promise<void> {
  const handle = await open(filePath, 'r+');
  try {
    const one = Buffer.alloc(1);
    await handle.read(one, 0, 1, offsetBytes);
    one[0] = (one[0] as number) ^ mask;
    await handle.write(one, 0, 1, offsetBytes);
  } finally {
    await handle.close();
  }
}
