// The fast path's URL shape: volume id, key and cookie as the app's parsers read them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastTargetOf } from '../../src/server/http/fast-target.ts';
import { parseHttpFid, parseHttpVolumeId } from '../../src/server/http/url-path.ts';

describe('fastTargetOf', () => {
  it('reads volume ids, keys and cookies as the app does', () => {
    for (const vid of ['3', '007', '123456789', '4294967295']) {
      for (const fid of ['01637037d6', '0000000000000001deadbeef', 'abcdef0123456789aabbccdd']) {
        const target = fastTargetOf(`/${vid},${fid}.jpg?x=1`);
        assert.ok(target !== null, `${vid},${fid} is the fast path's shape`);
        assert.equal(target.volumeId, parseHttpVolumeId(vid));
        const { needleId, cookie } = parseHttpFid(fid);
        assert.equal(target.needleId, needleId);
        assert.equal(target.cookie, cookie);
        assert.equal(target.rawQuery, 'x=1');
        assert.equal(target.parts.ext, '.jpg');
      }
    }
  });

  it('leaves what the app must answer to the app', () => {
    assert.equal(fastTargetOf('/4294967296,01637037d6'), null, 'a volume id past 32 bits');
    assert.equal(fastTargetOf('/3/01637037d6'), null);
    assert.equal(fastTargetOf('/3,01637037d6?a#b'), null);
    assert.equal(fastTargetOf('/3,0163'), null, 'too short for a key and cookie');
  });
});
