import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStorageError } from '../../src/storage/errors.ts';
import { decodeVolumeInfo, encodeVolumeInfo, newVolumeInfo } from '../../src/storage/volume-info.ts';

describe('.vif', () => {
  it('writes every field in field-number order, 64-bit values as strings', () => {
    const text = encodeVolumeInfo(newVolumeInfo({ version: 3, bytesOffset: 4 }));
    assert.deepEqual(Object.keys(JSON.parse(text)), [
      'files',
      'version',
      'replication',
      'bytesOffset',
      'datFileSize',
      'expireAtSec',
      'readOnly',
      'ecShardConfig',
      'readOnlyCanDelete',
    ]);
    assert.match(text, /"datFileSize": "0"/);
    assert.match(text, /"ecShardConfig": null/);
  });

  it('round-trips EC config and big numbers', () => {
    const info = newVolumeInfo({
      version: 3,
      datFileSize: 25_000_000_000n,
      ecShardConfig: { dataShards: 10, parityShards: 4, encodeTsNs: 1700000000123456789n },
    });
    assert.deepEqual(decodeVolumeInfo(encodeVolumeInfo(info)), info);
  });

  it('reads Go whitespace, proto names and the pre-protobuf form', () => {
    const go =
      '{\n  "files":  [],\n  "version":  3,\n  "replication":  "001",\n  "bytesOffset":  5,\n  "readOnly":  true\n}';
    const decoded = decodeVolumeInfo(go);
    assert.equal(decoded.bytesOffset, 5);
    assert.equal(decoded.readOnly, true);
    assert.equal(decoded.replication, '001');
    assert.equal(decodeVolumeInfo('{"bytes_offset": 4, "read_only": true}').readOnly, true);
    const old = decodeVolumeInfo('{"BytesOffset": 4, "DestroyTime": 123}');
    assert.equal(old.expireAtSec, 123n);
  });

  it('rejects malformed files with a typed error', () => {
    for (const bad of ['{', '[]', '{"version": "x"}', '{"readOnly": 1}']) {
      assert.throws(
        () => decodeVolumeInfo(bad),
        (err) => isStorageError(err, 'invalid_volume_info'),
        bad,
      );
    }
  });
});
