import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { formatFileId, parseFileId, parseNeedlePathPart, parseVolumeId } from '../../src/storage/needle/file-id.ts';
import { parseTtl, ttlMinutes, ttlToString, ttlToUint32 } from '../../src/storage/needle/ttl.ts';
import { parseReplicaPlacement, replicaPlacementToByte, copyCount } from '../../src/storage/replica-placement.ts';
import { decodeSuperBlock, encodeSuperBlock, newSuperBlock } from '../../src/storage/super-block.ts';

describe('file ids', () => {
  it('formats upstream examples', () => {
    assert.equal(formatFileId({ volumeId: 3, needleId: 1n, cookie: 0x637037d6 }), '3,01637037d6');
    assert.equal(formatFileId({ volumeId: 7, needleId: 0x12345n, cookie: 0xabcd }), '7,0123450000abcd');
    assert.equal(
      formatFileId({ volumeId: 9, needleId: 0xffff_ffff_ffff_ffffn, cookie: 0 }),
      '9,ffffffffffffffff00000000',
    );
    assert.equal(formatFileId({ volumeId: 3, needleId: 0n, cookie: 0x637037d6 }), '3,637037d6');
  });

  it('parses good shapes, odd lengths and upper case', () => {
    assert.deepEqual(parseFileId('3,01637037d6'), { volumeId: 3, needleId: 1n, cookie: 0x637037d6 });
    assert.deepEqual(parseFileId('3,1637037d6'), { volumeId: 3, needleId: 1n, cookie: 0x637037d6 });
    assert.deepEqual(parseFileId('3,01637037D6'), { volumeId: 3, needleId: 1n, cookie: 0x637037d6 });
  });

  it('rejects malformed input with a typed error', () => {
    for (const bad of [
      '',
      ',01637037d6',
      '3',
      '3,637037d6',
      'x,01637037d6',
      '3,zz637037d6',
      '3,0000000000000000000000001637037d6',
      '4294967297,01637037d6',
      '-3,01637037d6',
      '3,+1637037d6',
    ]) {
      assert.throws(
        () => parseFileId(bad),
        (err) => isStorageError(err, 'invalid_file_id'),
        bad,
      );
    }
    assert.throws(
      () => parseVolumeId('12a'),
      (err) => isStorageError(err, 'invalid_file_id'),
    );
  });

  it('parses URL parts with extension and _n delta', () => {
    assert.deepEqual(parseNeedlePathPart('01637037d6.jpg'), { needleId: 1n, cookie: 0x637037d6, extension: '.jpg' });
    assert.deepEqual(parseNeedlePathPart('01637037d6_2'), { needleId: 3n, cookie: 0x637037d6, extension: '' });
    assert.throws(
      () => parseNeedlePathPart('ffffffffffffffff637037d6_1'),
      (err) => isStorageError(err, 'invalid_file_id'),
    );
  });
});

describe('ttl', () => {
  const cases: Array<[string, string, number]> = [
    ['', '0000', 0],
    ['3m', '0301', 3],
    ['24h', '0103', 1440],
    ['7d', '0104', 10080],
    ['30d', '0105', 43200],
    ['365d', '0106', 525600],
    ['120m', '0202', 120],
    ['90m', '5a01', 90],
    ['1000m', '1002', 960],
    ['5', '0501', 5],
  ];
  for (const [input, hex, minutes] of cases) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const ttl = parseTtl(input);
      assert.equal(Buffer.from([ttl.count, ttl.unit]).toString('hex'), hex);
      assert.equal(ttlMinutes(ttl), minutes);
    });
  }
  it('round-trips to text and heartbeat form', () => {
    assert.equal(ttlToString(parseTtl('3d')), '3d');
    assert.equal(ttlToUint32(parseTtl('3d')), 0x0303);
    assert.equal(ttlToUint32(parseTtl('')), 0);
  });
  it('rejects unknown units and garbage', () => {
    for (const bad of ['3x', 'abc', '-5m', 'm'])
      assert.throws(
        () => parseTtl(bad),
        (err) => isStorageError(err, 'invalid_ttl'),
        bad,
      );
  });
});

describe('replica placement', () => {
  it('maps strings to bytes', () => {
    const cases: Array<[string, number]> = [
      ['000', 0],
      ['001', 1],
      ['010', 10],
      ['100', 100],
      ['200', 200],
      ['110', 110],
      ['', 0],
      ['1', 1],
      ['12', 12],
    ];
    for (const [text, byte] of cases) assert.equal(replicaPlacementToByte(parseReplicaPlacement(text)), byte, text);
    assert.equal(copyCount(parseReplicaPlacement('110')), 3);
  });
  it('rejects invalid placements', () => {
    for (const bad of ['999', 'abc', '0001'])
      assert.throws(
        () => parseReplicaPlacement(bad),
        (err) => isStorageError(err, 'invalid_replica_placement'),
        bad,
      );
  });
});

describe('super block', () => {
  it('encodes the reference examples', () => {
    const sb = newSuperBlock({
      version: 3,
      replicaPlacement: parseReplicaPlacement('001'),
      ttl: parseTtl('3d'),
      compactionRevision: 5,
    });
    assert.equal(encodeSuperBlock(sb).toString('hex'), '0301030300050000');
    assert.equal(
      encodeSuperBlock(newSuperBlock({ version: 3, replicaPlacement: parseReplicaPlacement('002') })).toString('hex'),
      '0302000000000000',
    );
  });
  it('round-trips and skips extra bytes', () => {
    const sb = newSuperBlock({ version: 2, compactionRevision: 65535, extra: Uint8Array.of(1, 2, 3) });
    const decoded = decodeSuperBlock(encodeSuperBlock(sb));
    assert.equal(decoded.compactionRevision, 65535);
    assert.deepEqual([...decoded.extra], [1, 2, 3]);
  });
  it('rejects unknown versions and short input', () => {
    assert.throws(
      () => decodeSuperBlock(Buffer.from('0400000000000000', 'hex')),
      (err) => isStorageError(err, 'unsupported_version'),
    );
    assert.throws(
      () => decodeSuperBlock(Buffer.from('0300', 'hex')),
      (err) => isStorageError(err, 'invalid_super_block'),
    );
    assert.throws(
      () => decodeSuperBlock(Buffer.from('0300000000000005', 'hex')),
      (err) => isStorageError(err, 'invalid_super_block'),
    );
  });
});
