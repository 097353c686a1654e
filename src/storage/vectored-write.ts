// One positional write of several buffers (pwritev) on the thread pool, resumed after a short
// write, so a record's pieces reach `.dat` without first being joined into one buffer.
import type { VolumeIo } from './io/volume-io.ts';
import { assert } from './types.ts';

/** Writes all `totalBytes` of `pieces` at `position`; throws on an error or a write of nothing. */
export async function writevFully(
  io: VolumeIo,
  fd: number,
  pieces: readonly Uint8Array[],
  totalBytes: number,
  position: number,
): Promise<void> {
  let remaining = [...pieces];
  let done = 0;
  while (done < totalBytes) {
    const { bytesWritten } = await io.writev(fd, remaining, position + done);
    if (bytesWritten === 0) throw new Error(`short write at ${position + done}`);
    done += bytesWritten;
    if (done < totalBytes) remaining = skipBytes(remaining, bytesWritten);
  }
  assert(done === totalBytes, `wrote ${done} bytes, expected ${totalBytes}`);
}

/** The pieces left after the first `bytes` of them were written. */
function skipBytes(pieces: readonly Uint8Array[], bytes: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  let skip = bytes;
  for (const piece of pieces) {
    if (skip >= piece.length) {
      skip -= piece.length;
      continue;
    }
    rest.push(skip > 0 ? piece.subarray(skip) : piece);
    skip = 0;
  }
  return rest;
}
