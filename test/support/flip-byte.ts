// Bit rot on demand: damage one byte of a file on disk, for tests of what notices it.
import { open } from 'node:fs/promises';

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
