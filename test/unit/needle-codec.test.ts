import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { decodeIndexEntry, encodeIndexEntry } from '../../src/storage/idx/entry.ts';
import { crc32c, etagOf, legacyChecksumValue } from '../../src/storage/needle/crc.ts';
import { NeedleFlag, decodeNeedle, encodeNeedle, newNeedle } from '../../src/storage/needle/needle.ts';
import { actualSize, paddingLength } from '../../src/storage/needle/version.ts';

const hello = Buffer.from('hello');
const appendAtNs = 1700000000123456789n;

describe('crc32c', () => {
  it('matches check values', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(hello), 0x9a71bb4c);
    assert.equal(crc32c(new Uint8Array(0)), 0);
    assert.equal(legacyChecksumValue(0x9a71bb4c), 0x191c1fbb);
    assert.equal(etagOf(0x9a71bb4c), '9a71bb4c');
  });
});

describe('needle encoding (reference worked examples)', () => {
  it('A: v3 hello, flags 0', () => {
    const n = newNeedle({ cookie: 0x637037d6, id: 1n, data: hello, appendAtNs });
    const bytes = encodeNeedle(n, 3);
    assert.equal(
      bytes.toString('hex'),
      '637037d6' +
        '0000000000000001' +
        '0000000a' +
        '00000005' +
        '68656c6c6f' +
        '00' +
        '9a71bb4c' +
        '17979cfe3d85cd15' +
        '0000',
    );
    assert.equal(n.size, 10);
    const back = decodeNeedle(bytes, 3, 10);
    assert.equal(Buffer.from(back.data).toString(), 'hello');
    assert.equal(back.appendAtNs, appendAtNs);
    assert.equal(back.checksum, 0x9a71bb4c);
  });

  it('A as v2 and v1', () => {
    const v2 = encodeNeedle(newNeedle({ cookie: 0x637037d6, id: 1n, data: hello }), 2);
    assert.equal(v2.length, 32);
    assert.equal(v2.subarray(30).toString('hex'), '0000');
    const v1 = encodeNeedle(newNeedle({ cookie: 0x637037d6, id: 1n, data: hello }), 1);
    assert.equal(v1.length, 32);
    assert.equal(v1.readInt32BE(12), 5);
    assert.equal(Buffer.from(decodeNeedle(v1, 1, 5).data).toString(), 'hello');
  });

  it('B: typical Go upload with name, mime, last-modified', () => {
    const n = newNeedle({
      cookie: 0x637037d6,
      id: 1n,
      data: hello,
      name: Buffer.from('a.txt'),
      mime: Buffer.from('text/plain'),
      lastModified: 1700000000,
      flags: NeedleFlag.HasName | NeedleFlag.HasMime | NeedleFlag.HasLastModified,
      appendAtNs,
    });
    const bytes = encodeNeedle(n, 3);
    assert.equal(
      bytes.toString('hex'),
      '637037d6000000000000000100000020' +
        '0000000568656c6c6f0e' +
        '05612e747874' +
        '0a746578742f706c61696e' +
        '006553f100' +
        '9a71bb4c17979cfe3d85cd15' +
        '00000020',
    );
    const back = decodeNeedle(bytes, 3, 32);
    assert.equal(Buffer.from(back.name).toString(), 'a.txt');
    assert.equal(Buffer.from(back.mime).toString(), 'text/plain');
    assert.equal(back.lastModified, 1700000000);
  });

  it('C: tombstone v3 keeps the checksum field', () => {
    const bytes = encodeNeedle(newNeedle({ cookie: 0x637037d6, id: 1n, checksum: 0x9a71bb4c, appendAtNs }), 3);
    assert.equal(bytes.length, 32);
    assert.equal(
      bytes.toString('hex'),
      '637037d6' + '0000000000000001' + '00000000' + '9a71bb4c' + '17979cfe3d85cd15' + '00000000',
    );
    assert.equal(actualSize(0, 1), 24);
    assert.equal(actualSize(0, 2), 24);
    assert.equal(actualSize(0, 3), 32);
  });

  it('padding is 1..8, never 0', () => {
    for (let size = 0; size < 64; size++) {
      for (const v of [1, 2, 3] as const) {
        const p = paddingLength(size, v);
        assert.ok(p >= 1 && p <= 8);
        assert.equal(actualSize(size, v) % 8, 0);
      }
    }
  });

  it('truncates names to 255 bytes and round-trips pairs and ttl', () => {
    const n = newNeedle({
      cookie: 1,
      id: 2n,
      data: hello,
      name: Buffer.alloc(300, 0x61),
      pairs: Buffer.from('{"k":"v"}'),
      ttl: { count: 3, unit: 3 },
      flags: NeedleFlag.HasName | NeedleFlag.HasPairs | NeedleFlag.HasTtl,
    });
    const back = decodeNeedle(encodeNeedle(n, 3), 3);
    assert.equal(back.name.length, 255);
    assert.equal(Buffer.from(back.pairs).toString(), '{"k":"v"}');
    assert.deepEqual(back.ttl, { count: 3, unit: 3 });
  });

  it('accepts the legacy checksum form and rejects a bad one', () => {
    const bytes = encodeNeedle(
      newNeedle({ cookie: 1, id: 1n, data: hello, checksum: legacyChecksumValue(0x9a71bb4c) }),
      3,
    );
    assert.equal(decodeNeedle(bytes, 3).checksum, 0x9a71bb4c);
    bytes[21] = bytes[21]! ^ 0xff;
    assert.throws(
      () => decodeNeedle(bytes, 3),
      (err) => isStorageError(err, 'crc_mismatch'),
    );
  });

  it('reports size mismatch and truncation as typed errors', () => {
    const bytes = encodeNeedle(newNeedle({ cookie: 1, id: 1n, data: hello }), 3);
    assert.throws(
      () => decodeNeedle(bytes, 3, 11),
      (err) => isStorageError(err, 'size_mismatch'),
    );
    assert.throws(
      () => decodeNeedle(bytes.subarray(0, 20), 3),
      (err) => isStorageError(err, 'corrupted'),
    );
    assert.throws(
      () => decodeNeedle(bytes.subarray(0, 8), 3),
      (err) => isStorageError(err, 'corrupted'),
    );
    const lying = Buffer.from(bytes);
    lying.writeUInt32BE(500, 16);
    assert.throws(
      () => decodeNeedle(lying, 3),
      (err) => isStorageError(err, 'corrupted'),
    );
  });
});

describe('idx entries', () => {
  it('encodes 4- and 5-byte rows as upstream', () => {
    assert.equal(
      encodeIndexEntry({ key: 1n, offset: 8, size: 32 }, 4).toString('hex'),
      '00000000000000010000000100000020',
    );
    assert.equal(
      encodeIndexEntry({ key: 1n, offset: 72, size: -1 }, 4).toString('hex'),
      '000000000000000100000009ffffffff',
    );
    assert.equal(
      encodeIndexEntry({ key: 1n, offset: 8, size: 32 }, 5).toString('hex'),
      '0000000000000001000000010000000020',
    );
    const big = 40 * 2 ** 30;
    const row = encodeIndexEntry({ key: 7n, offset: big, size: 5 }, 5);
    assert.equal(row.subarray(8, 13).toString('hex'), '4000000001');
    assert.deepEqual(decodeIndexEntry(row, 5), { key: 7n, offset: big, size: 5 });
  });
  it('refuses offsets the width cannot hold', () => {
    assert.throws(
      () => encodeIndexEntry({ key: 1n, offset: 40 * 2 ** 30, size: 1 }, 4),
      (err) => isStorageError(err, 'volume_full'),
    );
    assert.throws(
      () => encodeIndexEntry({ key: 1n, offset: 12, size: 1 }, 4),
      (err) => isStorageError(err, 'corrupted'),
    );
  });
});
