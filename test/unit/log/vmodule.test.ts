// -vmodule's list, read as glog reads it, and its patterns matched against component names with
// filepath.Match's syntax.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moduleLevel, parseVmodule } from '../../../src/log/vmodule.ts';

describe('-vmodule', () => {
  it('parses pattern=N items, skipping empty ones and level 0', () => {
    assert.deepEqual(parseVmodule(''), []);
    assert.deepEqual(parseVmodule('heartbeat=2,,store=0,ec-*=4,'), [
      { pattern: 'heartbeat', level: 2 },
      { pattern: 'ec-*', level: 4 },
    ]);
  });

  it("refuses what glog refuses, with glog's words", () => {
    const syntax = /syntax error: expect comma-separated list of filename=N$/;
    assert.throws(() => parseVmodule('heartbeat'), syntax);
    assert.throws(() => parseVmodule('=2'), syntax);
    assert.throws(() => parseVmodule('a=b=2'), syntax);
    assert.throws(() => parseVmodule('a=two'), syntax);
    assert.throws(() => parseVmodule('a=-1'), /negative value for vmodule level$/);
  });

  it('gives the level of the first pattern that matches the component, else 0', () => {
    const patterns = parseVmodule('heartbeat=1,h*=3,s?rubber=2,[dt]*=4,tl\\*=1');
    assert.equal(moduleLevel(patterns, 'heartbeat'), 1);
    assert.equal(moduleLevel(patterns, 'http'), 3);
    assert.equal(moduleLevel(patterns, 'scrubber'), 2);
    assert.equal(moduleLevel(patterns, 'delete-retry-queue'), 4);
    assert.equal(moduleLevel(patterns, 'ttl-expiry'), 4);
    assert.equal(moduleLevel(patterns, 'store'), 0);
    assert.equal(moduleLevel(parseVmodule('tl\\*=1'), 'tl*'), 1);
    assert.equal(moduleLevel(parseVmodule('tl\\*=1'), 'tls'), 0);
    assert.equal(moduleLevel(parseVmodule('[ab=1'), '[ab'), 0);
  });
});
