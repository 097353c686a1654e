// The bytes a read sends: either in memory (small, compressed or transformed needles) or
// streamed from `.dat` in bounded chunks (large plain needles), behind one interface.
import type { NeedleLocation, Volume } from '../../storage/volume.ts';

export interface ContentSource {
  readonly sizeBytes: number;
  /** Up to `maxBytes` from `start`, for content sniffing. */
  peek(start: number, maxBytes: number): Promise<Uint8Array>;
  /** `[start, end)` in chunks. */
  chunks(start: number, end: number): AsyncGenerator<Uint8Array>;
  /** The whole range as one buffer when it is already in memory; undefined for streamed sources. */
  inMemory(start: number, end: number): Uint8Array | undefined;
}

export function memorySource(data: Uint8Array): ContentSource {
  return {
    sizeBytes: data.length,
    peek: async (start, maxBytes) => data.subarray(start, Math.min(data.length, start + maxBytes)),
    async *chunks(start, end) {
      if (end > start) yield data.subarray(start, end);
    },
    inMemory: (start, end) => data.subarray(start, end),
  };
}

export function volumeSource(volume: Volume, location: NeedleLocation): ContentSource {
  return {
    sizeBytes: location.dataSizeBytes,
    peek: (start, maxBytes) =>
      volume.readBytes(location.dataOffsetBytes + start, Math.min(maxBytes, location.dataSizeBytes - start)),
    async *chunks(start, end) {
      if (end <= start) return;
      // Leaving the loop early (client gone) destroys the file stream.
      for await (const chunk of volume.createDataStream(location, start, end)) yield chunk as Uint8Array;
    },
    inMemory: () => undefined,
  };
}

/** A pull-based web stream over an async generator; cancelling it stops the generator. */
export function webStream(generator: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await generator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await generator.return(undefined);
    },
  });
}
