// The checked-in proto types (src/proto/generated/) must be what `npm run gen:proto`
// produces from proto/ now: regenerate into a temporary directory and compare file by file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GENERATED_DIR, generateProtoTypes } from '../../scripts/gen-proto.ts';

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, full)));
    else out.push(path.relative(root, full));
  }
  return out.sort();
}

describe('generated proto types', () => {
  let fresh: string;

  before(async () => {
    fresh = await mkdtemp(path.join(os.tmpdir(), 'needlework-proto-types-'));
    await generateProtoTypes(fresh);
  });
  after(() => rm(fresh, { recursive: true, force: true }));

  it('are up to date with proto/ (run `npm run gen:proto` when this fails)', async () => {
    const expected = await listFiles(fresh);
    assert.ok(expected.length > 0, 'the generator wrote nothing');
    assert.deepEqual(await listFiles(GENERATED_DIR), expected, 'generated file set differs');
    for (const file of expected) {
      const [want, have] = await Promise.all([
        readFile(path.join(fresh, file), 'utf8'),
        readFile(path.join(GENERATED_DIR, file), 'utf8'),
      ]);
      assert.equal(have, want, `${file} is stale`);
    }
  });
});
