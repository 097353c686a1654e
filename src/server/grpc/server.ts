// The VolumeServer gRPC service: every RPC is registered; those not implemented yet answer
// UNIMPLEMENTED at once (never hang).
import * as grpc from '@grpc/grpc-js';
import { GRPC_CHANNEL_OPTIONS, volumeServerService } from '../../proto/loader.ts';
import type { GrpcContext, VolumeServerHandlerTable, VolumeServerMethod } from './context.ts';
import { controlHandlers } from './handlers/control.ts';
import { volumeAdminHandlers } from './handlers/volume-admin.ts';
import { needleDataHandlers } from './handlers/needle-data.ts';
import { volumeStateHandlers } from './handlers/volume-state.ts';
import { copyHandlers } from './handlers/copy.ts';
import { volumeCopyHandlers } from './handlers/volume-copy.ts';
import { tailHandlers } from './handlers/tail.ts';
import { scrubQueryHandlers } from './handlers/scrub-query.ts';
import { vacuumHandlers } from './handlers/vacuum.ts';
import { erasureCodingHandlers } from './handlers/erasure-coding.ts';
import { remoteTieringHandlers } from './handlers/remote-tiering.ts';
import { type GrpcStreamLimits, streamLimits } from './stream-limits.ts';

function unimplemented(name: string): grpc.UntypedHandleCall {
  const status = { code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by this volume server yet` };
  // biome-ignore lint/suspicious/noExplicitAny: one stand-in for unary and streaming calls alike, narrowed at run time below.
  return ((call: any, callback?: grpc.sendUnaryData<unknown>) => {
    if (typeof callback === 'function') {
      callback(status);
    } else if (typeof call.emit === 'function') {
      call.emit('error', status);
    }
  }) as grpc.UntypedHandleCall;
}

export function buildVolumeServerImplementation(
  ctx: GrpcContext,
  limits: GrpcStreamLimits = streamLimits(),
): grpc.UntypedServiceImplementation {
  const implemented: VolumeServerHandlerTable = {
    ...controlHandlers(ctx),
    ...volumeAdminHandlers(ctx),
    ...needleDataHandlers(ctx),
    ...volumeStateHandlers(ctx),
    ...copyHandlers(ctx),
    ...volumeCopyHandlers(ctx, limits),
    ...tailHandlers(ctx, limits),
    ...scrubQueryHandlers(ctx),
    ...vacuumHandlers(ctx),
    ...erasureCodingHandlers(ctx),
    ...remoteTieringHandlers(ctx),
  };
  const service = volumeServerService();
  const implementation: grpc.UntypedServiceImplementation = {};
  // Keys of a grpc-js service definition are the proto method names ("AllocateVolume").
  for (const name of Object.keys(service) as VolumeServerMethod[]) {
    implementation[name] = (implemented[name] as grpc.UntypedHandleCall | undefined) ?? unimplemented(name);
  }
  return implementation;
}

export interface GrpcServerOptions {
  /** Transport security (mTLS from security.toml); default plaintext. */
  credentials?: grpc.ServerCredentials;
  /** Run in order around every call (TLS common-name check, metrics). */
  interceptors?: grpc.ServerInterceptor[];
  /** Bounds on long-lived streams; defaults in stream-limits.ts. */
  streamLimits?: Partial<GrpcStreamLimits>;
}

export async function startGrpcServer(
  ctx: GrpcContext,
  host: string,
  port: number,
  options: GrpcServerOptions = {},
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new grpc.Server({
    ...GRPC_CHANNEL_OPTIONS,
    'grpc.max_concurrent_streams': 1000,
    ...(options.interceptors !== undefined && options.interceptors.length > 0
      ? { interceptors: options.interceptors }
      : {}),
  });
  server.addService(volumeServerService(), buildVolumeServerImplementation(ctx, streamLimits(options.streamLimits)));
  const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, actual) => (err ? reject(err) : resolve(actual)));
  });
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
