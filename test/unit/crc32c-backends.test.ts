import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { crc32c, crc32cBackend, nativeCrc32c, portableCrc32c, type Crc32cFn } from '../../src/storage/needle/crc.ts';

/** Bit-at-a-time CRC-32C (reflected polynomial 0x82f63b78): slow, but shares nothing with either backend. */
function referenceCrc32c(data: Uint8Array, initial = 0): number {
  let crc = ~initial >>> 0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

const ONE_MIB_BYTES = 1 << 20;
const big = randomBytes(ONE_MIB_BYTES);
const inputs: Array<[string, Uint8Array]> = [
  ['empty', new Uint8Array(0)],
  ['1 byte', Uint8Array.of(0xa5)],
  ['check string', Buffer.from('123456789')],
  // Around the JS backend's 16-byte stride, where its tail loop takes over.
  ...[15, 16, 17, 31, 32, 33, 500, 4097].map((n): [string, Uint8Array] => [`${n} random bytes`, randomBytes(n)]),
  ['unaligned view', big.subarray(3, 3 + 1001)],
  ['1 MiB random', big],
];

const backends: Array<[string, Crc32cFn | null]> = [
  ['js (crc-32)', portableCrc32c],
  ['native (@node-rs/crc32)', nativeCrc32c],
];

describe('crc32c backends', () => {
  it('the check value of "123456789" is 0xe3069283 (CRC catalogue)', () => {
    assert.equal(referenceCrc32c(Buffer.from('123456789')), 0xe3069283);
  });

  for (const [name, fn] of backends) {
    it(`${name} matches the bitwise reference`, {
      skip: fn === null ? 'native binary not loadable here' : false,
    }, () => {
      for (const [label, data] of inputs) assert.equal(fn!(data), referenceCrc32c(data), label);
    });

    it(`${name} chains: crc(a ++ b) = crc(b, crc(a))`, {
      skip: fn === null ? 'native binary not loadable here' : false,
    }, () => {
      for (const cut of [0, 1, 17, 65_536, ONE_MIB_BYTES - 1, ONE_MIB_BYTES]) {
        const whole = fn!(big);
        assert.equal(fn!(big.subarray(cut), fn!(big.subarray(0, cut))), whole, `cut at ${cut}`);
      }
      assert.equal(fn!(new Uint8Array(0), 0x12345678), 0x12345678);
    });
  }

  it('js and native agree on every input', {
    skip: nativeCrc32c === null ? 'native binary not loadable here' : false,
  }, () => {
    for (const [label, data] of inputs) assert.equal(portableCrc32c(data), nativeCrc32c!(data), label);
    let js = 0;
    let native = 0;
    for (let at = 0; at < 100_000; at += 9_973) {
      const piece = big.subarray(at, at + 9_973);
      js = portableCrc32c(piece, js);
      native = nativeCrc32c!(piece, native);
      assert.equal(js, native, `after ${at}`);
    }
  });

  it('crc32c is the native backend when it loads', () => {
    assert.equal(crc32cBackend, nativeCrc32c === null ? 'js' : 'native');
    assert.equal(crc32c, nativeCrc32c ?? portableCrc32c);
  });

  it('falls back to crc-32, says so once, when the native module cannot load', async () => {
    const crcModuleUrl = new URL('../../src/storage/needle/crc.ts', import.meta.url).href;
    // Makes every require of @node-rs/crc32 fail, as on a platform with no prebuilt binary.
    const hook =
      'data:text/javascript,import Module from "node:module"; const load = Module._load; ' +
      'Module._load = function (request, ...rest) { if (request === "@node-rs/crc32") throw new Error("simulated missing binary"); return load.call(this, request, ...rest); };';
    const script = `const m = await import(${JSON.stringify(crcModuleUrl)}); await import(${JSON.stringify(crcModuleUrl)});
      console.log(JSON.stringify({ backend: m.crc32cBackend, check: m.crc32c(Buffer.from('123456789')), native: m.nativeCrc32c }));`;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', script],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      },
    );
    const result = JSON.parse(stdout) as { backend: string; check: number; native?: unknown };
    assert.deepEqual(result, { backend: 'js', check: 0xe3069283, native: null });
    assert.equal(stderr.match(/NEEDLEWORK_CRC32C_JS/g)?.length, 1, stderr);
    assert.match(stderr, /simulated missing binary/);
  });
});
