// gRPC clients to masters: address forms and one-off calls. Every client (the heartbeat's too) is
// dialed with the process-wide credentials: mTLS when security.toml configures it. Clients are
// typed from proto/master.proto (proto/generated/): RPCs are methods, messages checked.
import { grpcClientCredentials } from '../security/grpc-credentials.ts';
import type { SeaweedClient } from '../proto/generated/master_pb/Seaweed.ts';
import type { VolumeMarkReadonlyRequest } from '../proto/generated/master_pb/VolumeMarkReadonlyRequest.ts';
import { GRPC_CHANNEL_OPTIONS, masterClientConstructor } from '../proto/loader.ts';
import { loadFromPbStorageBackends } from '../storage/backend/backend.ts';

const PING_TIMEOUT_MS = 5_000;

/** `host:port` → `host:port+10000`; `host:port.grpcPort` → `host:grpcPort` (SeaweedFS convention). */
export function toGrpcAddress(address: string): string {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new Error(`address ${address} has no port`);
  const host = address.slice(0, colon);
  const portPart = address.slice(colon + 1);
  const dot = portPart.indexOf('.');
  if (dot >= 0) return `${host}:${portPart.slice(dot + 1)}`;
  const port = Number(portPart);
  if (!Number.isInteger(port)) throw new Error(`address ${address} has a bad port`);
  return `${host}:${port + 10000}`;
}

/** A typed client of a master's master_pb.Seaweed service. */
export type MasterClient = SeaweedClient;

export function newMasterClient(address: string): MasterClient {
  const Client = masterClientConstructor();
  return new Client(toGrpcAddress(address), grpcClientCredentials(), GRPC_CHANNEL_OPTIONS);
}

/** Calls master_pb.Seaweed/Ping and returns the remote's start time in ns (as a decimal string). */
export function pingMaster(address: string): Promise<string> {
  const client = newMasterClient(address);
  return new Promise<string>((resolve, reject) => {
    client.Ping({}, { deadline: Date.now() + PING_TIMEOUT_MS }, (err, response) => {
      client.close();
      if (err) reject(err);
      else resolve(response?.start_time_ns ?? '0');
    });
  });
}

export interface MasterConfiguration {
  /** Prometheus push gateway the master tells its servers to push to ('' for none). */
  metricsAddress: string;
  metricsIntervalSeconds: number;
}

const CONFIGURATION_TIMEOUT_MS = 10_000;

/** master_pb.Seaweed/GetMasterConfiguration: the cluster settings a volume server reads at start. */
export function getMasterConfiguration(address: string): Promise<MasterConfiguration> {
  const client = newMasterClient(address);
  return new Promise<MasterConfiguration>((resolve, reject) => {
    client.GetMasterConfiguration({}, { deadline: Date.now() + CONFIGURATION_TIMEOUT_MS }, (err, response) => {
      client.close();
      if (err || response === undefined) {
        reject(new Error(`get master ${address} configuration: ${err?.message ?? 'no response'}`));
        return;
      }
      // Tiering destinations come from here, as in 4.53 (not from the heartbeat).
      loadFromPbStorageBackends(response.storage_backends ?? []);
      resolve({ metricsAddress: response.metrics_address, metricsIntervalSeconds: response.metrics_interval_seconds });
    });
  });
}

export type MasterReadonlyNotice = Required<VolumeMarkReadonlyRequest>;

const MARK_READONLY_TIMEOUT_MS = 10_000;

/** Tells the master a volume's writability changed (master_pb.Seaweed/VolumeMarkReadonly). */
export function markReadonlyOnMaster(address: string, notice: MasterReadonlyNotice): Promise<void> {
  const client = newMasterClient(address);
  return new Promise<void>((resolve, reject) => {
    client.VolumeMarkReadonly(notice, { deadline: Date.now() + MARK_READONLY_TIMEOUT_MS }, (err) => {
      client.close();
      if (err) reject(new Error(`grpc VolumeMarkReadonly with master ${address}: ${err.message}`));
      else resolve();
    });
  });
}
