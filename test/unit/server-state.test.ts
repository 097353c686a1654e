// state.pb: the protobuf encoding of volume_server_pb.VolumeServerState {bool maintenance = 1;
// uint32 version = 2}. Golden bytes follow the protobuf wire format (tag = field << 3 | wire type,
// base-128 varints, proto3 fields at their default omitted); Go's proto.Marshal of upstream's
// volume_server_pb (the 4.53 the test peers use) gave the same bytes for each, and decoded the
// unknown-field and repeated-field cases below to the same states.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ServerStateStore,
  StateVersionMismatchError,
  decodeServerState,
  encodeServerState,
  type VolumeServerState,
} from '../../src/store/server-state.ts';
import { suiteScope } from '../support/suite-scope.ts';

const golden: Array<[VolumeServerState, string]> = [
  [{ maintenance: false, version: 0 }, ''], // an all-default message is zero bytes
  [{ maintenance: true, version: 0 }, '0801'],
  [{ maintenance: false, version: 1 }, '1001'],
  [{ maintenance: true, version: 1 }, '08011001'],
  [{ maintenance: false, version: 127 }, '107f'],
  [{ maintenance: false, version: 128 }, '108001'],
  [{ maintenance: true, version: 300 }, '080110ac02'],
  [{ maintenance: false, version: 0xffffffff }, '10ffffffff0f'],
];

describe('state.pb encoding', () => {
  for (const [state, hex] of golden) {
    it(`${JSON.stringify(state)} ⇄ ${hex || '(empty)'}`, () => {
      assert.equal(encodeServerState(state).toString('hex'), hex);
      assert.deepEqual(decodeServerState(Buffer.from(hex, 'hex')), state);
    });
  }

  it('skips unknown fields of every wire type, wherever they are', () => {
    const unknown = {
      varint: '18ac02', // field 3
      fixed64: '210102030405060708', // field 4
      bytes: '2a03616263', // field 5
      fixed32: '3501020304', // field 6
      bigField: 'f8ffffff0f01', // field 2^29 - 1 (the largest), varint
    };
    const all = Object.values(unknown).join('');
    const bytes = Buffer.from(
      `${unknown.bytes}0801${unknown.varint}${unknown.fixed32}1005${unknown.fixed64}${unknown.bigField}`,
      'hex',
    );
    assert.deepEqual(decodeServerState(bytes), { maintenance: true, version: 5 });
    assert.deepEqual(decodeServerState(Buffer.from(all, 'hex')), { maintenance: false, version: 0 });
  });

  it('takes the last value of a repeated scalar field, as protobuf parsers do', () => {
    assert.deepEqual(decodeServerState(Buffer.from('080110030800', 'hex')), { maintenance: false, version: 3 });
  });

  it('refuses truncated input', () => {
    for (const hex of ['08', '10ac', '2a05616263', '3501'])
      assert.throws(() => decodeServerState(Buffer.from(hex, 'hex')), /^Error: state\.pb: /, hex);
  });
});

describe('ServerStateStore', () => {
  const scope = suiteScope();

  it('starts fresh without a file, persists each change, and reloads it', async () => {
    const dir = await scope.tempDir('server-state-');
    const file = ServerStateStore.pathIn(dir);
    const store = new ServerStateStore(file);
    await store.load();
    assert.deepEqual(store.current, { maintenance: false, version: 0 });

    assert.deepEqual(await store.set({ maintenance: true, version: 0 }), { maintenance: true, version: 1 });
    assert.equal((await readFile(file)).toString('hex'), '08011001');
    assert.deepEqual(await store.set({ maintenance: false, version: 1 }), { maintenance: false, version: 2 });
    assert.equal((await readFile(file)).toString('hex'), '1002');

    await assert.rejects(store.set({ maintenance: true, version: 1 }), StateVersionMismatchError);
    assert.deepEqual(store.current, { maintenance: false, version: 2 });

    const reloaded = new ServerStateStore(file);
    await reloaded.load();
    assert.deepEqual(reloaded.current, { maintenance: false, version: 2 });
  });

  it('fails to load a corrupt file', async () => {
    const dir = await scope.tempDir('server-state-');
    const file = path.join(dir, 'state.pb');
    await writeFile(file, Buffer.from('10ac', 'hex'));
    await assert.rejects(new ServerStateStore(file).load(), /state\.pb/);
  });
});
