// What the gRPC handlers may touch, and the small helpers they share (errors, gates).
import * as grpc from '@grpc/grpc-js';
import type { VolumeServerHandlers } from '../../proto/generated/volume_server_pb/VolumeServer.ts';
import type { ResponseOf, VolumeServerMethod } from '../../proto/volume-server-methods.ts';
import type { ClusterContext } from '../../cluster/cluster-context.ts';
import type { Volume } from '../../storage/volume.ts';
import type { ServerStateStore } from '../../store/server-state.ts';
import { grpcStatusOfError } from './error-status.ts';

// The per-RPC message types, re-exported so a handler finds everything it may touch here.
export type {
  ClientRequestOf,
  ClientResponseOf,
  RequestOf,
  ResponseOf,
  VolumeServerMethod,
} from '../../proto/volume-server-methods.ts';

/**
 * A handler's return annotation, `async (request): Reply<'VolumeStatus'> => ...`: TypeScript
 * checks returned object literals for unknown fields only against a declared return type.
 */
export type Reply<K extends VolumeServerMethod> = Promise<ResponseOf<K>>;

/** The typed VolumeServer handler for every RPC name (a misspelled name is not a key). */
export type VolumeServerHandlerMap = { [K in VolumeServerMethod]: VolumeServerHandlers[K] };

/** Part of the handler table: each handlers/ file returns one. */
export type VolumeServerHandlerTable = Partial<VolumeServerHandlerMap>;

/** The cluster side (store, address, masters, log) comes from the outgoing clients' context. */
export interface GrpcContext extends ClusterContext {
  state: ServerStateStore;
  /** `-id`, or ip:port: how upstream names this server in maintenance errors. */
  serverId: string;
  /** e.g. "30GB 4.53 needlework" */
  version: string;
  dataCenter: string;
  rack: string;
  /** -compactionMBps in bytes per second; 0 means unthrottled. */
  compactionBytesPerSecond: number;
  /** -maintenanceMBps in bytes per second: VolumeCopy's rate when the caller names none; 0 or unset is unthrottled. */
  maintenanceBytesPerSecond?: number;
  /** -volume.allowUntrustedRemoteEndpoints: skip the SSRF guard on caller-named peers (FetchAndWriteNeedle remotes and replicas, VolumeCopy, EcShardsCopy, TailReceiver sources). */
  allowUntrustedRemoteEndpoints?: boolean;
  /** Sends the leave heartbeat and stops heartbeating; idempotent. */
  leave(): Promise<void>;
}

export class GrpcStatusError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}

/** An explicit status, or a typed error's (error-status.ts); anything else is UNKNOWN, as Go's plain errors are. */
export function statusCodeOf(err: unknown): grpc.status {
  if (err instanceof GrpcStatusError) return err.code;
  return grpcStatusOfError(err);
}

/** The volume, or an error with upstream's message for this RPC (callers match on the text). */
export function volumeOrThrow(ctx: GrpcContext, volumeId: number, message = `not found volume id ${volumeId}`): Volume {
  const volume = ctx.store.findVolume(volumeId);
  if (volume === undefined) throw new Error(message);
  return volume;
}

/** Upstream's maintenance gate message; tests look for "maintenance mode". */
export function checkMaintenance(ctx: GrpcContext): void {
  if (ctx.state.current.maintenance) {
    throw new GrpcStatusError(grpc.status.UNKNOWN, `volume server ${ctx.serverId} is in maintenance mode`);
  }
}

/** 4.53's answer for lifecycle RPCs on a volume whose VolumeCopy is still running (retryable). */
export function checkNotCopying(ctx: GrpcContext, volumeId: number): void {
  if (ctx.store.isCopying(volumeId))
    throw new GrpcStatusError(grpc.status.UNAVAILABLE, `volume ${volumeId} is being copied`);
}

/** Wraps an async server-stream handler: a thrown error ends the stream with a status. */
export function serverStream<Req, Res>(
  handler: (request: Req, call: grpc.ServerWritableStream<Req, Res>) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    handler(call.request, call).then(
      () => call.end(),
      (err: unknown) => {
        const code = statusCodeOf(err);
        // grpc-js ends a server stream with a status when the call emits 'error' with code/details.
        call.emit('error', { code, details: err instanceof Error ? err.message : String(err) });
      },
    );
  };
}

/**
 * Resolves once the stream can take more (backpressure), or rejects when the client went away
 * or `signal` aborts (with its reason), so a client that stops reading cannot stall us forever.
 */
export function writeMessage<Res>(
  // biome-ignore lint/suspicious/noExplicitAny: the request type is irrelevant here and unknown would reject every typed stream (parameter variance).
  call: grpc.ServerWritableStream<any, Res>,
  message: NoInfer<Res>,
  signal?: AbortSignal,
): Promise<void> {
  if (call.cancelled) return Promise.reject(new GrpcStatusError(grpc.status.CANCELLED, 'client cancelled'));
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (call.write(message)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      call.off('drain', onDrain);
      call.off('cancelled', onCancel);
      signal?.removeEventListener('abort', onAbort);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const onCancel = () => {
      done();
      reject(new GrpcStatusError(grpc.status.CANCELLED, 'client cancelled'));
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    call.once('drain', onDrain);
    call.once('cancelled', onCancel);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export type UnaryHandler<Req, Res> = (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>;

/**
 * Wraps an async handler: thrown errors become gRPC statuses (UNKNOWN unless typed), as Go's do.
 * Request and response types come from the handler table's slot (`NoInfer`), not the body.
 */
export function unary<Req, Res>(handler: UnaryHandler<Req, NoInfer<Res>>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => {
        const code = statusCodeOf(err);
        callback({ code, details: err instanceof Error ? err.message : String(err) });
      },
    );
  };
}
