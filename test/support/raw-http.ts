// A raw HTTP/1.1 client for tests that must control the bytes on the wire: pipelining, heads
// and bodies split across writes, a client that leaves mid-request. Replies are parsed by
// Content-Length (every reply of the volume server has one), HEAD replies without a body.
import { connect, type Socket } from 'node:net';

export interface RawReply {
  status: number;
  /** The head as sent, up to and without the blank line. */
  head: string;
  headers: Map<string, string>;
  body: Buffer;
}

export class RawClient {
  private received = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (err) => (err === undefined || err === null ? resolve() : reject(err))),
    );
  }

  /** The next reply; `isHead` for a reply to HEAD. Rejects when the connection closes first, or after `timeoutMs`. */
  async reply(isHead = false, timeoutMs = 5000): Promise<RawReply> {
    const deadlineMs = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.tryParse(isHead);
      if (parsed !== null) return parsed;
      if (this.ended)
        throw new Error(`connection closed; unparsed: ${JSON.stringify(this.received.toString('latin1'))}`);
      if (Date.now() > deadlineMs) throw new Error('no reply in time');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  /** Resolves once the server has closed the connection (or rejects after `timeoutMs`). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadlineMs = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadlineMs) throw new Error('connection still open');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  private tryParse(isHead: boolean): RawReply | null {
    const blank = this.received.indexOf('\r\n\r\n');
    if (blank < 0) return null;
    const head = this.received.toString('latin1', 0, blank);
    const [statusLine, ...lines] = head.split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const lengthBytes = isHead ? 0 : Number(headers.get('content-length') ?? '0');
    const bodyStart = blank + 4;
    if (this.received.length < bodyStart + lengthBytes) return null;
    const body = Buffer.from(this.received.subarray(bodyStart, bodyStart + lengthBytes));
    this.received = this.received.subarray(bodyStart + lengthBytes);
    return { status: Number((statusLine as string).split(' ')[1]), head, headers, body };
  }
}
