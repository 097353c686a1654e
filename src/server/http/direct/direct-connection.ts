// One client connection served without node:http: heads parsed here, fid requests answered by
// the fast path, one request at a time (pipelined bytes wait in a bounded buffer). At the first
// request it cannot take (a head it declines, a URL that is not a fid, a request the fast path
// declines) the connection goes to node:http with every byte of that request unread, and stays
// there: node then answers exactly as it would have from the start.
import type { Socket } from 'node:net';
import { assert } from '../../../storage/types.ts';
import type { FastPath, FastReply } from '../fast-path.ts';
import type { FastTarget } from '../fast-target.ts';
import { type BodySource, DirectBody } from './direct-body.ts';
import { parseRequestHead } from './request-head.ts';
import { InvalidHeader, responseHead } from './response-head.ts';

/** Bytes that may wait unread (pipelined requests, a body not yet taken) before the socket stops reading. */
export const MAX_BUFFERED_BYTES = 256 * 1024;
/** Bodies up to this are sent in one buffer with the head; larger ones in a second write of the same writev. */
const COPY_BODY_MAX_BYTES = 16 * 1024;
const EMPTY = Buffer.alloc(0);

export interface DirectConnectionDeps {
  fast: FastPath;
  /** Gives the socket to node:http (its connection listener); the unread bytes are then emitted to it. */
  handOver(socket: Socket): void;
  /** The Keep-Alive timeout node:http announces, in whole seconds (0: none). */
  keepAliveSeconds: number;
  /** A connection that moves nothing for this long is closed (Go's -idleTimeout); 0: never. */
  idleTimeoutMs: number;
  /** Unread bytes past which the socket stops reading; default MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
  /** Called once when the connection is no longer this module's (closed or handed over). */
  forget(connection: DirectConnection): void;
}

export class DirectConnection implements BodySource {
  /** Bytes received and not yet consumed start at `pendingOffset`. */
  private pending: Buffer = EMPTY;
  private pendingOffset = 0;
  /** A request is being served (from its head until its reply is written). */
  private busy = false;
  private released = false;
  private closing = false;
  private ended = false;
  private paused = false;
  private wake: (() => void) | null = null;
  private readonly maxBufferedBytes: number;

  constructor(
    readonly socket: Socket,
    private readonly deps: DirectConnectionDeps,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    socket.on('timeout', this.onTimeout);
    if (deps.idleTimeoutMs > 0) socket.setTimeout(deps.idleTimeoutMs);
    this.maxBufferedBytes = deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    assert(this.maxBufferedBytes > 0, 'a positive input buffer limit');
  }

  get isIdle(): boolean {
    return !this.busy;
  }

  /** Bytes received and not yet consumed (at most the limit plus one read's worth). */
  get bufferedBytes(): number {
    return this.pending.length - this.pendingOffset;
  }

  get inputEnded(): boolean {
    return this.ended || this.socket.destroyed;
  }

  /** After the reply in flight (now, when idle) the connection is closed: the server is shutting down. */
  closeWhenIdle(): void {
    this.closing = true;
    if (!this.busy) this.socket.destroy();
  }

  take(maxBytes: number): Buffer | null {
    const available = this.pending.length - this.pendingOffset;
    if (available === 0) return null;
    const n = Math.min(available, maxBytes);
    const chunk = this.pending.subarray(this.pendingOffset, this.pendingOffset + n);
    this.pendingOffset += n;
    this.resumeIfRoom();
    return chunk;
  }

  waitForBytes(): Promise<void> {
    assert(this.wake === null, 'one body reader at a time');
    if (this.inputEnded) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.pendingOffset >= this.pending.length) {
      this.pending = chunk;
      this.pendingOffset = 0;
    } else {
      this.pending = Buffer.concat([this.pending.subarray(this.pendingOffset), chunk]);
      this.pendingOffset = 0;
    }
    if (this.wake !== null) this.wakeReader();
    else if (!this.busy) this.next();
    if (!this.released && this.bufferedBytes > this.maxBufferedBytes && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.wakeReader();
    // Like node:http: a client that is done sending gets its reply in flight, then the close.
    if (!this.busy) this.socket.end();
  };

  private readonly onClose = (): void => {
    this.ended = true;
    this.wakeReader();
    this.release();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onTimeout = (): void => {
    this.socket.destroy();
  };

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private resumeIfRoom(): void {
    if (this.paused && this.bufferedBytes <= this.maxBufferedBytes) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Serves the next buffered request, if a whole head of one has arrived. */
  private next(): void {
    if (this.released || this.busy || this.socket.destroyed) return;
    if (this.closing) {
      // Shutting down: no further request is taken (the one in flight has had its reply).
      this.socket.end();
      return;
    }
    this.resumeIfRoom();
    if (this.pendingOffset >= this.pending.length) {
      if (this.ended) this.socket.end();
      return;
    }
    const parse = parseRequestHead(this.pending, this.pendingOffset);
    if (parse.kind !== 'head') {
      this.handOver();
      return;
    }
    const { head } = parse;
    const target = this.deps.fast.targetOf(head.method, head.url);
    if (target === null) {
      this.handOver();
      return;
    }
    const headOffset = this.pendingOffset;
    this.pendingOffset = parse.endOffset;
    this.busy = true;
    const body = new DirectBody(head.contentLengthBytes, this);
    const startedAtMs = performance.now();
    this.deps.fast
      .serve({ method: head.method, headers: head.headers, body }, target)
      .then(
        (reply) => {
          if (reply === null) {
            assert(!body.started, 'the fast path declines only before reading the body');
            this.pendingOffset = headOffset;
            this.busy = false;
            this.handOver();
            return;
          }
          this.send(head.method, target, reply, body, startedAtMs);
        },
        (err: unknown) => {
          this.send(
            head.method,
            target,
            this.deps.fast.internalError(head.method, target.path, err),
            body,
            startedAtMs,
          );
        },
      )
      .catch((err: unknown) => {
        // Nothing more can be sent in order on this connection.
        this.deps.fast.internalError(head.method, target.path, err);
        this.socket.destroy();
      });
  }

  private send(method: string, target: FastTarget, reply: FastReply, body: DirectBody, startedAtMs: number): void {
    const { socket } = this;
    if (socket.destroyed || !socket.writable) {
      reply.release?.();
      this.busy = false;
      return;
    }
    // A body not read to its end leaves the next request's start unknown: reply, then close.
    const close = this.closing || !body.complete;
    let head: string;
    let status = reply.status;
    let replyBody = reply.body;
    let release = reply.release;
    try {
      head = responseHead(status, reply.headers, this.deps.keepAliveSeconds, close);
    } catch (err) {
      if (!(err instanceof InvalidHeader)) throw err;
      release?.();
      release = undefined;
      const error = this.deps.fast.internalError(method, target.path, err);
      status = error.status;
      replyBody = null;
      head = responseHead(status, error.headers, this.deps.keepAliveSeconds, close);
    }
    const downloadDone = this.deps.fast.downloadStarted(release !== undefined ? reply.downloadBytes : 0);
    const done = (): void => {
      downloadDone();
      release?.();
    };

    let flushed: boolean;
    if (replyBody === null) {
      flushed = socket.write(head, 'latin1', done);
    } else if (typeof replyBody === 'string') {
      const headBytes = Buffer.byteLength(head, 'latin1');
      const out = Buffer.allocUnsafe(headBytes + Buffer.byteLength(replyBody, 'utf8'));
      out.write(head, 0, headBytes, 'latin1');
      out.write(replyBody, headBytes, 'utf8');
      flushed = socket.write(out, done);
    } else if (replyBody.length <= COPY_BODY_MAX_BYTES) {
      const headBytes = Buffer.byteLength(head, 'latin1');
      const out = Buffer.allocUnsafe(headBytes + replyBody.length);
      out.write(head, 0, headBytes, 'latin1');
      out.set(replyBody, headBytes);
      // The body was copied: its buffer is free now; the gauge waits for the socket as elsewhere.
      release?.();
      release = undefined;
      flushed = socket.write(out, done);
    } else {
      socket.cork();
      socket.write(head, 'latin1');
      flushed = socket.write(replyBody, done);
      socket.uncork();
    }
    this.deps.fast.sent(method, status, startedAtMs);
    if (close) {
      this.busy = false;
      socket.end();
      return;
    }
    if (flushed) {
      this.busy = false;
      this.next();
      return;
    }
    // A client that does not read its replies gets no more of them until it has: the connection
    // stays busy (nothing more is parsed, so its input fills up to MAX_BUFFERED_BYTES and stops).
    socket.once('drain', () => {
      this.busy = false;
      this.next();
    });
  }

  /** node:http takes the socket, and gets the unread bytes ahead of whatever comes next. */
  private handOver(): void {
    assert(!this.busy, 'hand over only between requests');
    const { socket } = this;
    const unread = this.pending.subarray(this.pendingOffset);
    this.pending = EMPTY;
    this.pendingOffset = 0;
    this.release();
    if (socket.destroyed) return;
    this.deps.handOver(socket);
    // node:http now reads the socket itself (its parser may take reads straight from the handle,
    // past the stream), so the bytes read here go to it first, through its own 'data' listener,
    // before anything more is read; socket.unshift() could leave them behind later reads.
    if (unread.length > 0) socket.emit('data', unread);
    if (this.paused) socket.resume();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    const { socket } = this;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
    socket.off('timeout', this.onTimeout);
    this.deps.forget(this);
  }
}
