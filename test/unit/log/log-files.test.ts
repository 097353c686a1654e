// glog's file keeping: rotation past -log_max_size_mb or -log_rotate_hours, at most
// -log_max_files per severity (gzipped ones counted), and -log_compress of rotated files.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type LogFileSettings, LogFiles } from '../../../src/log/log-files.ts';
import { tempDir } from '../helpers.ts';

const SECOND_MS = 1000;
const START_MS = new Date(2026, 11, 3, 10, 0, 0).getTime();

function settings(dir: string, overrides: Partial<LogFileSettings> = {}): LogFileSettings {
  return {
    dir,
    program: 'needlework',
    host: 'h',
    user: 'u',
    pid: 7,
    maxSizeBytes: 1024 * 1024,
    maxFiles: 5,
    rotateAfterMs: 0,
    compressRotated: false,
    writeHeader: false,
    ...overrides,
  };
}

const infoFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.startsWith('needlework.h.u.log.INFO.'))
    .sort();

describe('log files', () => {
  it('names a file by its creation time, in local time', async () => {
    const dir = await tempDir('needlework-logfiles-');
    const files = new LogFiles(settings(dir));
    files.write('INFO', 'a\n', START_MS);
    assert.deepEqual(infoFiles(dir), ['needlework.h.u.log.INFO.20261203-100000.7']);
    assert.equal(files.currentPath('INFO'), path.join(dir, 'needlework.h.u.log.INFO.20261203-100000.7'));
    assert.equal(files.currentPath('ERROR'), null);
    files.close();
  });

  it('starts a new file when a write would reach the size limit', async () => {
    const dir = await tempDir('needlework-logfiles-');
    const files = new LogFiles(settings(dir, { maxSizeBytes: 10 }));
    files.write('INFO', 'first\n', START_MS);
    files.write('INFO', 'second\n', START_MS + SECOND_MS);
    files.close();
    const names = infoFiles(dir);
    assert.equal(names.length, 2);
    assert.equal(readFileSync(path.join(dir, names[0]!), 'utf8'), 'first\n');
    assert.equal(readFileSync(path.join(dir, names[1]!), 'utf8'), 'second\n');
  });

  it('starts a new file once the current one is older than -log_rotate_hours', async () => {
    const dir = await tempDir('needlework-logfiles-');
    const hourMs = 3_600_000;
    const files = new LogFiles(settings(dir, { rotateAfterMs: hourMs }));
    files.write('INFO', 'a\n', START_MS);
    files.write('INFO', 'b\n', START_MS + hourMs - 1);
    assert.equal(infoFiles(dir).length, 1);
    files.write('INFO', 'c\n', START_MS + hourMs);
    files.close();
    assert.equal(infoFiles(dir).length, 2);
  });

  it('keeps at most -log_max_files per severity, the oldest removed first, gzipped ones counted', async () => {
    const dir = await tempDir('needlework-logfiles-');
    writeFileSync(path.join(dir, 'needlework.h.u.log.INFO.20261201-000000.1.gz'), '');
    writeFileSync(path.join(dir, 'needlework.h.u.log.INFO.20261202-000000.1'), '');
    writeFileSync(path.join(dir, 'needlework.h.u.log.WARNING.20261201-000000.1'), '');
    writeFileSync(path.join(dir, 'other.log'), '');
    const files = new LogFiles(settings(dir, { maxFiles: 2 }));
    files.write('INFO', 'a\n', START_MS);
    files.close();
    assert.deepEqual(infoFiles(dir), [
      'needlework.h.u.log.INFO.20261202-000000.1',
      'needlework.h.u.log.INFO.20261203-100000.7',
    ]);
    assert.ok(existsSync(path.join(dir, 'needlework.h.u.log.WARNING.20261201-000000.1')), 'other severities stay');
    assert.ok(existsSync(path.join(dir, 'other.log')));
  });

  it('-log_compress: a rotated file becomes <name>.gz with the same bytes', async () => {
    const dir = await tempDir('needlework-logfiles-');
    const files = new LogFiles(settings(dir, { maxSizeBytes: 10, compressRotated: true }));
    files.write('INFO', 'rotated away\n', START_MS);
    files.write('INFO', 'current\n', START_MS + SECOND_MS);
    const gz = path.join(dir, 'needlework.h.u.log.INFO.20261203-100000.7.gz');
    await files.compressed();
    files.close();
    assert.equal(gunzipSync(readFileSync(gz)).toString('utf8'), 'rotated away\n');
    assert.deepEqual(infoFiles(dir), [
      'needlework.h.u.log.INFO.20261203-100000.7.gz',
      'needlework.h.u.log.INFO.20261203-100001.7',
    ]);
  });

  it('refuses limits that would keep no file', () => {
    assert.throws(() => new LogFiles(settings('/x', { maxFiles: 0 })), /maxFiles/);
    assert.throws(() => new LogFiles(settings('/x', { maxSizeBytes: 0 })), /maxSizeBytes/);
  });
});
