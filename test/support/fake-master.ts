// An in-process stand-in for the Go master's gRPC service (master_pb.Seaweed), for tests of the
// outgoing clients without the Go peers: it records every heartbeat, read-only notice and EC
// lookup it gets, and answers as the test tells it to.
import * as grpc from '@grpc/grpc-js';
import { GRPC_CHANNEL_OPTIONS, masterClientConstructor } from '../../src/proto/loader.ts';
import type { GetMasterConfigurationResponse } from '../../src/proto/generated/master_pb/GetMasterConfigurationResponse.ts';
import type { Heartbeat__Output } from '../../src/proto/generated/master_pb/Heartbeat.ts';
import type { HeartbeatResponse } from '../../src/proto/generated/master_pb/HeartbeatResponse.ts';
import type { LookupEcVolumeResponse } from '../../src/proto/generated/master_pb/LookupEcVolumeResponse.ts';
import type { SeaweedHandlers } from '../../src/proto/generated/master_pb/Seaweed.ts';
import type { VolumeMarkReadonlyRequest__Output } from '../../src/proto/generated/master_pb/VolumeMarkReadonlyRequest.ts';
import { eventually } from './eventually.ts';
import type { SuiteScope } from './suite-scope.ts';

/** Records kept per kind: far above any test's needs, so a runaway client fails instead of growing. */
const MAX_RECORDS = 10_000;

export interface FakeMasterOptions {
  /** The reply to each heartbeat; null sends none. Default: a 1 GiB volume size limit. */
  answer?: (beat: Heartbeat__Output, master: FakeMaster) => HeartbeatResponse | null;
  /** LookupEcVolume's reply; an Error answers with its message (UNKNOWN). Default: NOT_FOUND. */
  lookupEc?: (volumeId: number) => LookupEcVolumeResponse | Error;
  /** GetMasterConfiguration's reply. */
  configuration?: GetMasterConfigurationResponse;
  /** VolumeMarkReadonly fails with this message when set. */
  refuseReadonly?: string;
  /** Ping's start_time_ns. */
  startTimeNs?: string;
}

export interface FakeMaster {
  /** How a volume server names this master (`host:port.grpcPort`). */
  address: string;
  grpcPort: number;
  beats: Heartbeat__Output[];
  readonlyNotices: VolumeMarkReadonlyRequest__Output[];
  ecLookups: number[];
  /** SendHeartbeat streams opened so far. */
  streamsOpened: number;
  /** Heartbeat streams open right now. */
  openStreams(): number;
  /** Resolves with check()'s first defined answer (polled; see eventually()). */
  waitFor<T>(what: string, check: () => T | undefined | false): Promise<T>;
  /** The first beat after the first `skip` ones that `match` accepts. */
  beat(what: string, match: (beat: Heartbeat__Output) => boolean, skip?: number): Promise<Heartbeat__Output>;
  /** Sends a reply on every open heartbeat stream. */
  send(response: HeartbeatResponse): void;
  /** Ends every open heartbeat stream, as a master going away does. */
  endStreams(): void;
}

function record<T>(list: T[], item: T): void {
  if (list.length >= MAX_RECORDS) throw new Error(`fake master: more than ${MAX_RECORDS} records`);
  list.push(item);
}

export async function startFakeMaster(scope: SuiteScope, options: FakeMasterOptions = {}): Promise<FakeMaster> {
  const server = new grpc.Server(GRPC_CHANNEL_OPTIONS);
  const streams = new Set<grpc.ServerDuplexStream<Heartbeat__Output, HeartbeatResponse>>();
  const answer = options.answer ?? (() => ({ volume_size_limit: String(1 << 30) }));

  const handlers: Partial<SeaweedHandlers> = {
    SendHeartbeat: (call) => {
      streams.add(call);
      master.streamsOpened++;
      const forget = () => streams.delete(call);
      call.on('data', (beat: Heartbeat__Output) => {
        record(master.beats, beat);
        const reply = answer(beat, master);
        if (reply !== null && streams.has(call)) call.write(reply);
      });
      call.on('end', () => {
        if (streams.has(call)) call.end();
        forget();
      });
      call.on('cancelled', forget);
      call.on('error', forget);
    },
    VolumeMarkReadonly: (call, callback) => {
      record(master.readonlyNotices, call.request);
      if (options.refuseReadonly !== undefined)
        callback({ code: grpc.status.UNKNOWN, details: options.refuseReadonly });
      else callback(null, {});
    },
    LookupEcVolume: (call, callback) => {
      record(master.ecLookups, call.request.volume_id);
      const reply = options.lookupEc?.(call.request.volume_id);
      if (reply === undefined)
        callback({ code: grpc.status.NOT_FOUND, details: `ec volume ${call.request.volume_id} not found` });
      else if (reply instanceof Error) callback({ code: grpc.status.UNKNOWN, details: reply.message });
      else callback(null, reply);
    },
    GetMasterConfiguration: (_call, callback) => callback(null, options.configuration ?? {}),
    Ping: (_call, callback) =>
      callback(null, { start_time_ns: options.startTimeNs ?? '1', remote_time_ns: '0', stop_time_ns: '2' }),
  };
  const service = (masterClientConstructor() as unknown as { service: grpc.ServiceDefinition }).service;
  server.addService(service, handlers as grpc.UntypedServiceImplementation);
  const grpcPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  scope.defer(() => server.forceShutdown());

  const master: FakeMaster = {
    address: `127.0.0.1:1.${grpcPort}`,
    grpcPort,
    beats: [],
    readonlyNotices: [],
    ecLookups: [],
    streamsOpened: 0,
    openStreams: () => streams.size,
    waitFor: (what, check) => eventually(what, check),
    beat(what, match, skip = 0) {
      return master.waitFor(what, () => master.beats.slice(skip).find(match));
    },
    send(response) {
      for (const call of streams) call.write(response);
    },
    endStreams() {
      for (const call of [...streams]) {
        streams.delete(call);
        call.end();
      }
    },
  };
  return master;
}
