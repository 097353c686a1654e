// bin/needlework starts node with the V8 settings of bin/node-flags.txt, ahead of the server's
// entry point and its own arguments. A stand-in `node` first on PATH prints what it was given.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import { serverNodeFlags } from '../support/peers.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('bin/needlework', () => {
  it('passes every flag of node-flags.txt to node, then the entry point and the arguments', async () => {
    const flags = await serverNodeFlags();
    for (const flag of flags) assert.match(flag, /^--[a-z][a-z0-9-]*(=\S+)?$/, `one flag per line: ${flag}`);

    const shimDir = await tempDir('needlework-node-shim-');
    const shim = path.join(shimDir, 'node');
    await writeFile(shim, '#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n');
    await chmod(shim, 0o755);
    const { stdout } = await promisify(execFile)(path.join(ROOT, 'bin', 'needlework'), ['volume', '-port=1'], {
      env: { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ''}` },
    });
    const args = stdout.split('\n').filter((line) => line !== '');
    assert.deepEqual(args, [...flags, path.join(ROOT, 'dist', 'cli', 'main.js'), 'volume', '-port=1']);
  });
});
