// A JWT-protected cluster: `weed upload` takes the master's token and our server accepts it; a
// forged token (wrong key) and a missing one are refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../support/helpers.ts';
import { skipReason, startMaster, startOurVolumeServer, weedBinary } from '../support/peers.ts';

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function forge(fid: string, key: string): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ fid, exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
}

describe('JWT-protected cluster', { skip: skipReason() }, () => {
  it('weed upload with the master token succeeds; forged and missing tokens are refused', async () => {
    const work = await tempDir('needlework-jwt-');
    const configDir = path.join(work, 'config');
    const dataDir = path.join(work, 'volume');
    await mkdir(configDir);
    await mkdir(dataDir);
    const securityFile = path.join(configDir, 'security.toml');
    await writeFile(securityFile, '[jwt.signing]\nkey = "cluster-write-key"\nexpires_after_seconds = 60\n');
    const master = await startMaster(work, configDir);
    const ours = await startOurVolumeServer(work, dataDir, master.address, undefined, ['--securityFile', securityFile]);

    const input = path.join(work, 'hello.txt');
    await writeFile(input, 'uploaded with a master-issued token\n');
    let result = { code: null as number | null, output: '' };
    for (let attempt = 0; attempt < 20; attempt++) {
      result = await run(
        weedBinary()!,
        [`-config_dir=${configDir}`, 'upload', `-master=${master.address}`, input],
        work,
      );
      if (result.code === 0 && result.output.includes('"fid"')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(result.code, 0, result.output);
    const uploaded = JSON.parse(result.output.slice(result.output.indexOf('['))) as Array<{
      fid: string;
      error?: string;
    }>;
    const fid = uploaded[0]!.fid;
    assert.equal(uploaded[0]!.error ?? '', '');
    assert.equal(
      await (await fetch(`http://127.0.0.1:${ours.port}/${fid}`)).text(),
      'uploaded with a master-issued token\n',
    );

    const target = `http://127.0.0.1:${ours.port}/${fid}`;
    assert.equal((await fetch(target, { method: 'POST', body: 'no token' })).status, 401);
    assert.equal(
      (
        await fetch(target, {
          method: 'POST',
          body: 'forged',
          headers: { Authorization: `Bearer ${forge(fid, 'not-the-key')}` },
        })
      ).status,
      401,
    );
    assert.equal(
      (await fetch(target, { method: 'DELETE', headers: { Authorization: `Bearer ${forge(fid, 'not-the-key')}` } }))
        .status,
      401,
    );
    assert.equal(
      await (await fetch(target)).text(),
      'uploaded with a master-issued token\n',
      'refused writes changed nothing',
    );
    await ours.peer.stop();
    await master.peer.stop();
  });
});
