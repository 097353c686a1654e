// The volume server's persisted state (`state.pb`): the maintenance flag and its version counter.
// The protobuf encoding of volume_server_pb.VolumeServerState, byte for byte as upstream writes it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { encodeProto3, volumeServerStateType } from './server-state-proto.ts';

export interface VolumeServerState {
  maintenance: boolean;
  version: number;
}

export class StateVersionMismatchError extends Error {
  constructor(current: number, requested: number) {
    super(`version mismatch for VolumeServerState (got ${current}, want ${requested})`);
    this.name = 'StateVersionMismatchError';
  }
}

export function encodeServerState(state: VolumeServerState): Buffer {
  const bytes = encodeProto3(volumeServerStateType(), { maintenance: state.maintenance, version: state.version >>> 0 });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Unknown fields are skipped, so a state.pb from a newer upstream still loads. */
export function decodeServerState(bytes: Uint8Array): VolumeServerState {
  const type = volumeServerStateType();
  let decoded: { maintenance: boolean; version: number };
  try {
    decoded = type.toObject(type.decode(bytes), { defaults: true }) as typeof decoded;
  } catch (err) {
    throw new Error(`state.pb: ${(err as Error).message}`, { cause: err });
  }
  return { maintenance: decoded.maintenance, version: decoded.version };
}

/** Holds the state in memory and persists each change; a failed save leaves the old state. */
export class ServerStateStore {
  private state: VolumeServerState = { maintenance: false, version: 0 };

  constructor(private readonly filePath: string) {}

  static pathIn(dir: string): string {
    return path.join(dir, 'state.pb');
  }

  get current(): VolumeServerState {
    return { ...this.state };
  }

  /** Missing file → fresh state; an unreadable one is an error (upstream refuses to start). */
  async load(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.filePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    this.state = decodeServerState(bytes);
  }

  /** Applies `requested` if its version matches; the saved version is the old one plus 1. */
  async set(requested: VolumeServerState): Promise<VolumeServerState> {
    if (requested.version !== this.state.version)
      throw new StateVersionMismatchError(this.state.version, requested.version);
    const next = { maintenance: requested.maintenance, version: this.state.version + 1 };
    const handle = await fs.open(this.filePath, 'w', 0o644);
    try {
      await handle.writeFile(encodeServerState(next));
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.state = next;
    return { ...next };
  }
}
