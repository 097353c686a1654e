// The volume server's persisted state (`state.pb`): the maintenance flag and its version counter.
// Binary protobuf `VolumeServerState {bool maintenance = 1; uint32 version = 2}`, as upstream
// writes it; two varint fields do not justify a protobuf runtime here.
import { promises as fs } from 'node:fs';
import path from 'node:path';

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

function writeVarint(out: number[], value: number): void {
  let v = value >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

export function encodeServerState(state: VolumeServerState): Buffer {
  const out: number[] = [];
  if (state.maintenance) out.push(0x08, 0x01);
  if (state.version !== 0) {
    out.push(0x10);
    writeVarint(out, state.version);
  }
  return Buffer.from(out);
}

export function decodeServerState(bytes: Uint8Array): VolumeServerState {
  const state: VolumeServerState = { maintenance: false, version: 0 };
  let at = 0;
  const varint = (): number => {
    let result = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.length) throw new Error('state.pb: truncated varint');
      const byte = bytes[at++] as number;
      if (shift < 32) result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('state.pb: varint too long');
  };
  while (at < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 0) {
      const value = varint();
      if (field === 1) state.maintenance = value !== 0;
      if (field === 2) state.version = value >>> 0;
    } else if (wireType === 2) {
      at += varint();
    } else if (wireType === 5) {
      at += 4;
    } else if (wireType === 1) {
      at += 8;
    } else {
      throw new Error(`state.pb: unsupported wire type ${wireType}`);
    }
  }
  if (at > bytes.length) throw new Error('state.pb: truncated field');
  return state;
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
    if (requested.version !== this.state.version) throw new StateVersionMismatchError(this.state.version, requested.version);
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
