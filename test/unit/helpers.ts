// Shared test helpers: temporary directories and small volumes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { NeedleFlag, newNeedle, type Needle } from '../../src/storage/needle/needle.ts';
import { newSuperBlock } from '../../src/storage/super-block.ts';
import type { OffsetWidth } from '../../src/storage/types.ts';
import { Volume } from '../../src/storage/volume.ts';
import type { Ttl } from '../../src/storage/needle/ttl.ts';
import { linesLogger } from './lines-logger.ts';

export async function tempDir(prefix = 'needlework-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestVolumeOptions {
  dir: string;
  volumeId?: number;
  collection?: string;
  width?: OffsetWidth;
  ttl?: Ttl;
  version?: 1 | 2 | 3;
  nowNs?: () => bigint;
  logs?: string[];
}

export function openTestVolume(options: TestVolumeOptions): Promise<Volume> {
  return Volume.open({
    location: { dir: options.dir, collection: options.collection ?? '', volumeId: options.volumeId ?? 1 },
    offsetWidth: options.width ?? 4,
    create: newSuperBlock({ version: options.version ?? 3, ...(options.ttl ? { ttl: options.ttl } : {}) }),
    log: linesLogger(options.logs ?? []),
    ...(options.nowNs ? { nowNs: options.nowNs } : {}),
  });
}

export function textNeedle(id: bigint, text: string, cookie = 0x1234_5678): Needle {
  return newNeedle({
    cookie,
    id,
    data: Buffer.from(text),
    name: Buffer.from(`file-${id}.txt`),
    mime: Buffer.from('text/plain'),
    lastModified: 1_700_000_000,
    flags: NeedleFlag.HasName | NeedleFlag.HasMime | NeedleFlag.HasLastModified,
  });
}
