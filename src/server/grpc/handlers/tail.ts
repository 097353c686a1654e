// Following a volume: VolumeTailSender streams records appended after a time, VolumeTailReceiver
// pulls them from a peer's sender into a local volume (used by volume moves).
import * as grpc from '@grpc/grpc-js';
import { checkPeerSource } from '../../../remote/endpoint-guard.ts';
import { isStorageError } from '../../../storage/errors.ts';
import { decodeNeedle } from '../../../storage/needle/needle.ts';
import { isSupportedVersion } from '../../../storage/needle/version.ts';
import { NEEDLE_HEADER_SIZE_BYTES } from '../../../storage/types.ts';
import type { Volume } from '../../../storage/volume.ts';
import {
  type GrpcContext,
  type Reply,
  type ResponseOf,
  type VolumeServerHandlerTable,
  GrpcStatusError,
  serverStream,
  unary,
  writeMessage,
} from '../context.ts';
import { messagesOf, newPeerClient } from '../../../cluster/peer-client.ts';
import type { GrpcStreamLimits } from '../stream-limits.ts';

const TAIL_CHUNK_BYTES = 2 * 1024 * 1024;
/** A record reassembled by the receiver may not exceed this (bounds memory per tail). */
const MAX_TAIL_RECORD_BYTES = 1024 * 1024 * 1024;

type TailSenderCall = grpc.ServerWritableStream<unknown, ResponseOf<'VolumeTailSender'>>;

/** Why a tail ended on the server's idle cap rather than on the client's terms. */
class TailIdleCapReached extends Error {}

/**
 * A vacuum commit swapped the volume's files during a round: offsets from before it point into
 * the compacted file. The round starts over from the last record sent, found again by time.
 */
class CompactedMeanwhile extends Error {
  constructor(readonly lastSentNs: bigint) {
    super('volume compacted during the tail round');
  }
}

/** Rounds in a row cut short by compactions before the tail gives up (each commit is rare). */
const MAX_COMPACTED_ROUNDS = 8;

/**
 * Aborts `signal` once no progress was reported for `maxIdleMs`. One timer, re-armed for the
 * remainder when it fires, so reporting progress per record costs only a clock read.
 */
class IdleCap {
  private readonly controller = new AbortController();
  private lastProgressMs = Date.now();
  private timer: NodeJS.Timeout;

  constructor(private readonly maxIdleMs: number) {
    this.timer = setTimeout(() => this.check(), maxIdleMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  progress(): void {
    this.lastProgressMs = Date.now();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private check(): void {
    const idleMs = Date.now() - this.lastProgressMs;
    if (idleMs >= this.maxIdleMs) this.controller.abort(new TailIdleCapReached());
    else this.timer = setTimeout(() => this.check(), this.maxIdleMs - idleMs);
  }
}

function sleepUnlessCancelled(call: TailSenderCall, ms: number, signal: AbortSignal): Promise<void> {
  if (call.cancelled) return Promise.reject(new GrpcStatusError(grpc.status.CANCELLED, 'client cancelled'));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      call.off('cancelled', onCancel);
      signal.removeEventListener('abort', onAbort);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    const onCancel = () => {
      done();
      reject(new GrpcStatusError(grpc.status.CANCELLED, 'client cancelled'));
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    call.once('cancelled', onCancel);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sends records after `sinceNs`; returns the append time of the last one sent (or `sinceNs`). */
async function sendNewRecords(volume: Volume, sinceNs: bigint, call: TailSenderCall, idle: IdleCap): Promise<bigint> {
  const revision = volume.superBlock.compactionRevision;
  const start = await volume.firstOffsetAppendedAfter(sinceNs);
  if (start === null) {
    // The heartbeat tells the client we are alive; it is not progress.
    await writeMessage(
      call,
      { needle_header: Buffer.alloc(0), needle_body: Buffer.alloc(0), is_last_chunk: true, version: volume.version },
      idle.signal,
    );
    return sinceNs;
  }
  let last = sinceNs;
  try {
    for await (const record of volume.recordsFrom(start)) {
      const bytes = await volume.readBytes(record.offsetBytes, record.sizeBytes);
      // Checked before anything of the record is sent: its bytes may come from the new file.
      if (volume.superBlock.compactionRevision !== revision) throw new CompactedMeanwhile(last);
      last = await sendRecord(volume, record.appendAtNs, bytes, call, idle);
    }
  } catch (err) {
    if (!(err instanceof CompactedMeanwhile) && volume.superBlock.compactionRevision !== revision)
      throw new CompactedMeanwhile(last);
    throw err;
  }
  return last;
}

/** One record as header and body pieces; returns its append time. */
async function sendRecord(
  volume: Volume,
  appendAtNs: bigint,
  bytes: Buffer,
  call: TailSenderCall,
  idle: IdleCap,
): Promise<bigint> {
  const header = bytes.subarray(0, NEEDLE_HEADER_SIZE_BYTES);
  const body = bytes.subarray(NEEDLE_HEADER_SIZE_BYTES);
  // A body always holds at least the checksum and padding, so there is at least one piece.
  for (let at = 0; at < body.length; at += TAIL_CHUNK_BYTES) {
    const piece = body.subarray(at, at + TAIL_CHUNK_BYTES);
    await writeMessage(
      call,
      {
        needle_header: header,
        needle_body: piece,
        is_last_chunk: at + TAIL_CHUNK_BYTES >= body.length,
        version: volume.version,
      },
      idle.signal,
    );
  }
  idle.progress();
  return appendAtNs;
}

/** Applies one tailed record locally; a size-0 record deletes a live needle (a tombstone). */
async function applyTailedRecord(volume: Volume, record: Buffer, version: number): Promise<void> {
  const v = version === 0 ? 3 : version;
  if (!isSupportedVersion(v)) throw new Error(`unsupported needle version ${version}`);
  const needle = decodeNeedle(record, v);
  const existing = volume.lookup(needle.id);
  if (needle.size === 0 && existing !== undefined && existing.size >= 0) {
    await volume.delete(needle.id, needle.cookie, needle.checksum);
    return;
  }
  await volume.write(needle, { checkCookie: false });
}

export function tailHandlers(
  ctx: GrpcContext,
  limits: Pick<GrpcStreamLimits, 'tailPollMs' | 'tailMaxIdleMs'>,
): VolumeServerHandlerTable {
  return {
    // Upstream counts idle_timeout_seconds in poll rounds and with 0 tails forever; here the
    // server's idle cap also ends a tail that sends no new record for tailMaxIdleMs.
    VolumeTailSender: serverStream(async (request, call) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
      let last = BigInt(request.since_ns);
      let idleRoundsLeft = request.idle_timeout_seconds;
      const idle = new IdleCap(limits.tailMaxIdleMs);
      const job = ctx.store.jobs.begin('tail-sender', `volume-${request.volume_id}`, {
        sinceNs: request.since_ns,
        idleTimeoutSeconds: request.idle_timeout_seconds,
      });
      let failure: unknown;
      let compactedRounds = 0;
      try {
        for (;;) {
          let sentUpTo: bigint;
          try {
            sentUpTo = await sendNewRecords(volume, last, call, idle);
            compactedRounds = 0;
          } catch (err) {
            if (err instanceof GrpcStatusError || err instanceof TailIdleCapReached) throw err;
            if (err instanceof CompactedMeanwhile && ++compactedRounds <= MAX_COMPACTED_ROUNDS) {
              last = err.lastSentNs;
              continue;
            }
            throw new Error(`streamFollow: ${(err as Error).message}`);
          }
          const gotNew = sentUpTo !== last;
          last = sentUpTo;
          await sleepUnlessCancelled(call, limits.tailPollMs, idle.signal);
          if (request.idle_timeout_seconds === 0) continue;
          if (gotNew) {
            idleRoundsLeft = request.idle_timeout_seconds;
          } else if (--idleRoundsLeft <= 0) {
            return;
          }
        }
      } catch (err) {
        if (!(err instanceof TailIdleCapReached)) {
          failure = err;
          throw err;
        }
        // Ends like a client idle timeout (OK): the receiver has applied all it got.
        ctx.log.info(
          `tailing volume ${request.volume_id}: no new data for ${limits.tailMaxIdleMs} ms; server idle cap reached, ending the tail`,
        );
      } finally {
        job.finish(failure);
        idle.stop();
        ctx.log.verbose(1, `tailing volume ${request.volume_id} finished`);
      }
    }),

    VolumeTailReceiver: unary(async (request): Reply<'VolumeTailReceiver'> => {
      await checkPeerSource(
        request.source_volume_server,
        ctx.allowUntrustedRemoteEndpoints === true,
        'invalid source volume server',
      );
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`receiver not found volume id ${request.volume_id}`);
      const client = newPeerClient(request.source_volume_server);
      const job = ctx.store.jobs.begin('tail-receiver', `volume-${request.volume_id}`, {
        source: request.source_volume_server,
        sinceNs: request.since_ns,
      });
      let failure: unknown;
      try {
        const stream = client.VolumeTailSender({
          volume_id: request.volume_id,
          since_ns: request.since_ns,
          idle_timeout_seconds: request.idle_timeout_seconds,
        });
        let parts: Buffer[] = [];
        let partsBytes = 0;
        for await (const message of messagesOf(stream)) {
          if (message.needle_header.length === 0) continue;
          if (parts.length === 0) {
            parts.push(message.needle_header);
            partsBytes = message.needle_header.length;
          }
          parts.push(message.needle_body);
          partsBytes += message.needle_body.length;
          if (partsBytes > MAX_TAIL_RECORD_BYTES) throw new Error(`tailed record over ${MAX_TAIL_RECORD_BYTES} bytes`);
          if (!message.is_last_chunk) continue;
          try {
            await applyTailedRecord(volume, Buffer.concat(parts, partsBytes), message.version);
          } catch (err) {
            if (!isStorageError(err)) throw err;
            throw new Error(`receive needle from ${request.source_volume_server}: ${err.message}`);
          }
          job.count('records');
          job.count('bytes', partsBytes);
          parts = [];
          partsBytes = 0;
        }
      } catch (err) {
        failure = err;
        throw err;
      } finally {
        job.finish(failure);
        client.close();
      }
      return {};
    }),
  };
}
