// Following a volume: VolumeTailSender streams records appended after a time, VolumeTailReceiver
// pulls them from a peer's sender into a local volume (used by volume moves).
import * as grpc from '@grpc/grpc-js';
import { isStorageError } from '../../../storage/errors.ts';
import { decodeNeedle } from '../../../storage/needle/needle.ts';
import { isSupportedVersion } from '../../../storage/needle/version.ts';
import { NEEDLE_HEADER_SIZE_BYTES } from '../../../storage/types.ts';
import type { Volume } from '../../../storage/volume.ts';
import { type GrpcContext, GrpcStatusError, serverStream, unary, writeMessage } from '../context.ts';
import { newPeerClient } from '../peer-client.ts';

const TAIL_CHUNK_BYTES = 2 * 1024 * 1024;
const TAIL_POLL_MS = 2_000;
/** A record reassembled by the receiver may not exceed this (bounds memory per tail). */
const MAX_TAIL_RECORD_BYTES = 1024 * 1024 * 1024;

function sleepUnlessCancelled(call: grpc.ServerWritableStream<any, any>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      call.off('cancelled', onCancel);
      resolve();
    }, ms);
    const onCancel = () => {
      clearTimeout(timer);
      reject(new GrpcStatusError(grpc.status.CANCELLED, 'client cancelled'));
    };
    call.once('cancelled', onCancel);
  });
}

/** Sends records after `sinceNs`; returns the append time of the last one sent (or `sinceNs`). */
async function sendNewRecords(volume: Volume, sinceNs: bigint, call: grpc.ServerWritableStream<any, any>): Promise<bigint> {
  const start = await volume.firstOffsetAppendedAfter(sinceNs);
  if (start === null) {
    await writeMessage(call, { needle_header: Buffer.alloc(0), needle_body: Buffer.alloc(0), is_last_chunk: true, version: volume.version });
    return sinceNs;
  }
  let last = sinceNs;
  for await (const record of volume.recordsFrom(start)) {
    const bytes = await volume.readBytes(record.offsetBytes, record.sizeBytes);
    const header = bytes.subarray(0, NEEDLE_HEADER_SIZE_BYTES);
    const body = bytes.subarray(NEEDLE_HEADER_SIZE_BYTES);
    // A body always holds at least the checksum and padding, so there is at least one piece.
    for (let at = 0; at < body.length; at += TAIL_CHUNK_BYTES) {
      const piece = body.subarray(at, at + TAIL_CHUNK_BYTES);
      await writeMessage(call, { needle_header: header, needle_body: piece, is_last_chunk: at + TAIL_CHUNK_BYTES >= body.length, version: volume.version });
    }
    last = record.appendAtNs;
  }
  return last;
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

export function tailHandlers(ctx: GrpcContext): Record<string, grpc.UntypedHandleCall> {
  return {
    VolumeTailSender: serverStream(async (request: { volume_id: number; since_ns: string; idle_timeout_seconds: number }, call) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`not found volume id ${request.volume_id}`);
      let last = BigInt(request.since_ns);
      let idleRoundsLeft = request.idle_timeout_seconds;
      for (;;) {
        let sentUpTo: bigint;
        try {
          sentUpTo = await sendNewRecords(volume, last, call);
        } catch (err) {
          if (err instanceof GrpcStatusError) throw err;
          throw new Error(`streamFollow: ${(err as Error).message}`);
        }
        const gotNew = sentUpTo !== last;
        last = sentUpTo;
        await sleepUnlessCancelled(call, TAIL_POLL_MS);
        if (request.idle_timeout_seconds === 0) continue;
        if (gotNew) {
          idleRoundsLeft = request.idle_timeout_seconds;
        } else if (--idleRoundsLeft <= 0) {
          return;
        }
      }
    }),

    VolumeTailReceiver: unary(async (request: { volume_id: number; since_ns: string; idle_timeout_seconds: number; source_volume_server: string }) => {
      const volume = ctx.store.findVolume(request.volume_id);
      if (volume === undefined) throw new Error(`receiver not found volume id ${request.volume_id}`);
      const client = newPeerClient(request.source_volume_server);
      try {
        const stream = client['VolumeTailSender']({
          volume_id: request.volume_id,
          since_ns: request.since_ns,
          idle_timeout_seconds: request.idle_timeout_seconds,
        }) as grpc.ClientReadableStream<{ needle_header: Buffer; needle_body: Buffer; is_last_chunk: boolean; version: number }>;
        let parts: Buffer[] = [];
        let partsBytes = 0;
        for await (const message of stream) {
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
          parts = [];
          partsBytes = 0;
        }
      } finally {
        client.close();
      }
      return {};
    }),
  };
}
