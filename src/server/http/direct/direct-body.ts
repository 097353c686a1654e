// The body of a request on a direct connection: exactly Content-Length bytes, taken from the
// connection as they arrive (what follows belongs to the next request). It is an async iterable
// of chunks, as the upload parser reads a node request; iterating it is what "the fast path has
// started on the body" means, and a decline is only allowed before that.

/** Where a body's bytes come from: the connection that read its head. */
export interface BodySource {
  /** Up to `maxBytes` of the bytes that have arrived and are not yet taken, or null when there are none. */
  take(maxBytes: number): Buffer | null;
  /** Resolves once more bytes have arrived, or the connection has ended. */
  waitForBytes(): Promise<void>;
  /** True once the client can send nothing more (ended, closed or failed). */
  readonly inputEnded: boolean;
}

export class DirectBody implements AsyncIterable<Uint8Array> {
  private remainingBytes: number;
  private startedReading = false;

  constructor(
    readonly lengthBytes: number,
    private readonly source: BodySource,
  ) {
    this.remainingBytes = lengthBytes;
  }

  /** Whether anything has iterated the body: from then on the request cannot be handed on. */
  get started(): boolean {
    return this.startedReading;
  }

  /** Whether every byte of the body has been taken from the connection. */
  get complete(): boolean {
    return this.remainingBytes === 0;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.startedReading = true;
    while (this.remainingBytes > 0) {
      const chunk = this.source.take(this.remainingBytes);
      if (chunk === null) {
        if (this.source.inputEnded) {
          throw Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
        }
        await this.source.waitForBytes();
        continue;
      }
      this.remainingBytes -= chunk.length;
      yield chunk;
    }
  }
}
