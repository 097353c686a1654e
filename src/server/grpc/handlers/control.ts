// Control and status RPCs: Ping, GetState, SetState, VolumeServerStatus, VolumeServerLeave.
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { StateVersionMismatchError } from '../../../store/server-state.ts';
import { type GrpcContext, type Reply, type VolumeServerHandlerTable, GrpcStatusError, unary } from '../context.ts';
import { pingMaster } from '../../../cluster/master-client.ts';

function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString();
}

/** `host:port.grpcPort` → `host:port` (the HTTP form masters are known by). */
function httpForm(address: string): string {
  const colon = address.lastIndexOf(':');
  const dot = address.indexOf('.', colon);
  return colon >= 0 && dot > colon ? address.slice(0, dot) : address;
}

export function controlHandlers(ctx: GrpcContext): VolumeServerHandlerTable {
  return {
    Ping: unary(async (request): Reply<'Ping'> => {
      const startTimeNs = nowNs();
      if (request.target === '') return { start_time_ns: startTimeNs, remote_time_ns: '0', stop_time_ns: nowNs() };
      const target = httpForm(request.target);
      const knownMaster =
        request.target_type === 'master' &&
        (target === httpForm(ctx.currentMaster()) || ctx.masters.some((m) => httpForm(m) === target));
      if (!knownMaster) {
        throw new GrpcStatusError(
          grpc.status.INVALID_ARGUMENT,
          `unknown ping target ${request.target} of type ${request.target_type}`,
        );
      }
      try {
        const remoteTimeNs = await pingMaster(request.target);
        return { start_time_ns: startTimeNs, remote_time_ns: remoteTimeNs, stop_time_ns: nowNs() };
      } catch (err) {
        throw new GrpcStatusError(grpc.status.UNKNOWN, `ping master ${request.target}: ${(err as Error).message}`);
      }
    }),

    GetState: unary(async (): Reply<'GetState'> => ({ state: ctx.state.current })),

    SetState: unary(async (request): Reply<'SetState'> => {
      if (request.state === null || request.state === undefined) return { state: ctx.state.current };
      try {
        return {
          state: await ctx.state.set({ maintenance: request.state.maintenance, version: request.state.version }),
        };
      } catch (err) {
        if (err instanceof StateVersionMismatchError)
          throw new GrpcStatusError(grpc.status.FAILED_PRECONDITION, err.message);
        throw err;
      }
    }),

    VolumeServerStatus: unary(async (): Reply<'VolumeServerStatus'> => {
      const diskStatuses = [];
      for (const location of ctx.store.locations) {
        const fsStats = await statfs(location.dir);
        const all = fsStats.blocks * fsStats.bsize;
        const free = fsStats.bavail * fsStats.bsize;
        const used = all - free;
        diskStatuses.push({
          dir: location.dir,
          all: String(all),
          used: String(used),
          free: String(free),
          percent_free: all > 0 ? (free / all) * 100 : 0,
          percent_used: all > 0 ? (used / all) * 100 : 0,
          disk_type: location.diskType === '' ? 'hdd' : location.diskType,
        });
      }
      const memory = process.memoryUsage();
      return {
        disk_statuses: diskStatuses,
        memory_status: {
          // No goroutines in Node; report active handles plus the main thread so the count is real.
          goroutines:
            1 + ((process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.().length ?? 0),
          all: String(os.totalmem()),
          used: String(os.totalmem() - os.freemem()),
          free: String(os.freemem()),
          self: String(memory.rss),
          heap: String(memory.heapUsed),
          stack: '0',
        },
        version: ctx.version,
        data_center: ctx.dataCenter,
        rack: ctx.rack,
        state: ctx.state.current,
      };
    }),

    VolumeServerLeave: unary(async (): Reply<'VolumeServerLeave'> => {
      await ctx.leave();
      return {};
    }),
  };
}
