// The process logger as an operator meets it through glog's flags: -v filters verbose lines,
// -logtostderr keeps everything on stderr, otherwise lines land in per-severity files in -logdir
// named as weed names them (and on stderr too by -alsologtostderr, or from -stderrthreshold up),
// and a -logdir that cannot hold files gives glog's error on stderr while stderr logging goes on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  GLOG_DEFAULTS,
  type LogEnvironment,
  createProcessLogger,
  pinoLevelFor,
} from '../../../src/log/process-logger.ts';
import { tempDir } from '../helpers.ts';

function environment(stderr: string[], tempDirPath = '/nonexistent-temp'): LogEnvironment {
  return {
    stderr: { write: (text) => void stderr.push(text) },
    program: 'needlework',
    host: 'testhost',
    user: 'tester',
    pid: 4242,
    tempDir: tempDirPath,
  };
}

/** The text of a glog line after its `Lmmdd hh:mm:ss.uuuuuu ` stamp. */
const TEXT_LINE = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6} (.*)\n$/;

function parsedLines(chunks: string[]): Array<{ letter: string; rest: string }> {
  return chunks.map((chunk) => {
    const match = TEXT_LINE.exec(chunk);
    assert.ok(match, `not a glog text line: ${JSON.stringify(chunk)}`);
    return { letter: match[1]!, rest: match[2]! };
  });
}

describe('process logger: -v', () => {
  it('writes V(n) lines only up to the -v level, as INFO lines', () => {
    const stderr: string[] = [];
    const { logger } = createProcessLogger({ ...GLOG_DEFAULTS, toStderr: true, verbosity: 2 }, environment(stderr));
    logger.verbose(1, 'one');
    logger.verbose(2, 'two');
    logger.verbose(3, 'three');
    logger.verbose(4, 'four');
    logger.info('plain');
    assert.deepEqual(parsedLines(stderr), [
      { letter: 'I', rest: 'needlework] one' },
      { letter: 'I', rest: 'needlework] two' },
      { letter: 'I', rest: 'needlework] plain' },
    ]);
    assert.equal(logger.isVerbose(2), true);
    assert.equal(logger.isVerbose(3), false);
  });

  it('writes no verbose line at the default -v=0, and every one past -v=4', () => {
    const quiet: string[] = [];
    const q = createProcessLogger({ ...GLOG_DEFAULTS, toStderr: true }, environment(quiet)).logger;
    q.verbose(1, 'hidden');
    q.child({ component: 'heartbeat' }).verbose(1, 'hidden too');
    assert.deepEqual(quiet, []);
    assert.equal(q.isVerbose(1), false);

    const loud: string[] = [];
    const l = createProcessLogger({ ...GLOG_DEFAULTS, toStderr: true, verbosity: 9 }, environment(loud)).logger;
    l.verbose(4, 'deepest');
    assert.equal(parsedLines(loud)[0]?.rest, 'needlework] deepest');
    assert.equal(pinoLevelFor(-1), 'info');
    assert.equal(pinoLevelFor(9), 'v4');
  });

  it('names the component in place of the Go file, and keeps the message as written', () => {
    const stderr: string[] = [];
    const { logger } = createProcessLogger({ ...GLOG_DEFAULTS, toStderr: true }, environment(stderr));
    const heartbeat = logger.child({ component: 'heartbeat' });
    heartbeat.warn('heartbeat to master m:9333 ended: 100% %s gone', { error: 'gone' });
    heartbeat.error('two\nlines');
    assert.deepEqual(parsedLines([stderr[0]!]), [
      { letter: 'W', rest: 'heartbeat] heartbeat to master m:9333 ended: 100% %s gone' },
    ]);
    assert.match(stderr[1]!, /^E\d{4} [\d:.]+ heartbeat\] two\nlines\n$/);
  });
});

describe('process logger: -vmodule', () => {
  it('raises -v for the components its patterns match, and only for them', () => {
    const stderr: string[] = [];
    const settings = { ...GLOG_DEFAULTS, toStderr: true, verbosity: 1, vmodule: [{ pattern: 'heart*', level: 3 }] };
    const { logger } = createProcessLogger(settings, environment(stderr));
    const heartbeat = logger.child({ component: 'heartbeat' });
    const scrubber = logger.child({ component: 'scrubber' });
    heartbeat.verbose(3, 'heartbeat detail');
    heartbeat.verbose(4, 'too deep');
    scrubber.verbose(1, 'scrubber at -v');
    scrubber.verbose(2, 'scrubber hidden');
    logger.verbose(2, 'root hidden');
    assert.deepEqual(
      parsedLines(stderr).map((line) => line.rest),
      ['heartbeat] heartbeat detail', 'scrubber] scrubber at -v'],
    );
    assert.equal(heartbeat.isVerbose(3), true);
    assert.equal(scrubber.isVerbose(2), false);
  });
});

describe('process logger: destinations', () => {
  it('-logtostderr: every line on stderr and no file anywhere', async () => {
    const dir = await tempDir('needlework-log-');
    const stderr: string[] = [];
    const { logger } = createProcessLogger({ ...GLOG_DEFAULTS, toStderr: true, dir }, environment(stderr, dir));
    logger.info('to stderr');
    logger.error('also to stderr');
    assert.equal(stderr.length, 2);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('-logdir: one file per severity, named as weed names them, each severity in its own and the lower files', async () => {
    const dir = await tempDir('needlework-log-');
    const stderr: string[] = [];
    const processLogger = createProcessLogger({ ...GLOG_DEFAULTS, dir }, environment(stderr));
    const logger = processLogger.logger.child({ component: 'store' });
    logger.info('loaded 3 volumes', { volumeId: 3 });
    assert.deepEqual(readdirSync(dir).sort().slice(0, 1), ['needlework.INFO']);
    logger.warn('volume 3: a warning');
    logger.error('volume 3: an error');
    processLogger.close();

    const names = readdirSync(dir).sort();
    const files = names.filter((name) => !/^needlework\.[A-Z]+$/.test(name));
    assert.deepEqual(
      files.map((name) => name.replace(/\.\d{8}-\d{6}\./, '.<stamp>.')),
      [
        'needlework.testhost.tester.log.ERROR.<stamp>.4242',
        'needlework.testhost.tester.log.INFO.<stamp>.4242',
        'needlework.testhost.tester.log.WARNING.<stamp>.4242',
      ],
    );
    assert.deepEqual(
      names.filter((name) => /^needlework\.[A-Z]+$/.test(name)),
      ['needlework.ERROR', 'needlework.INFO', 'needlework.WARNING'],
    );
    const body = (severity: string): string[] => {
      const text = readFileSync(path.join(dir, readlinkSync(path.join(dir, `needlework.${severity}`))), 'utf8');
      const lines = text.split('\n').filter((line) => line !== '');
      assert.match(lines[0]!, /^Log file created at: \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(lines[1], 'Running on machine: testhost');
      assert.match(lines[3]!, /^Log line format: \[IWEF\]mmdd/);
      return lines.slice(4).map((line) => line.replace(/^([IWEF])\d{4} [\d:.]+ /, '$1 '));
    };
    assert.deepEqual(body('INFO'), [
      'I store] loaded 3 volumes',
      'W store] volume 3: a warning',
      'E store] volume 3: an error',
    ]);
    assert.deepEqual(body('WARNING'), ['W store] volume 3: a warning', 'E store] volume 3: an error']);
    assert.deepEqual(body('ERROR'), ['E store] volume 3: an error']);
    // -alsologtostderr is on by default in weed: stderr shows every line as well.
    assert.equal(stderr.length, 3);
  });

  it('without -logdir, writes its files in the temp directory', async () => {
    const temp = await tempDir('needlework-log-');
    const { logger } = createProcessLogger(GLOG_DEFAULTS, environment([], temp));
    logger.info('hello');
    assert.ok(existsSync(path.join(temp, 'needlework.INFO')));
  });

  it('-alsologtostderr=false: only lines from -stderrthreshold up reach stderr', async () => {
    const dir = await tempDir('needlework-log-');
    const stderr: string[] = [];
    const { logger } = createProcessLogger({ ...GLOG_DEFAULTS, dir, alsoToStderr: false }, environment(stderr));
    logger.info('file only');
    logger.warn('file only too');
    logger.error('file and stderr');
    assert.deepEqual(
      parsedLines(stderr).map((line) => line.rest),
      ['needlework] file and stderr'],
    );

    const warnings: string[] = [];
    const w = createProcessLogger(
      { ...GLOG_DEFAULTS, dir, alsoToStderr: false, stderrThreshold: 1 },
      environment(warnings),
    ).logger;
    w.info('file only');
    w.warn('warning on stderr');
    assert.deepEqual(
      parsedLines(warnings).map((line) => line.letter),
      ['W'],
    );
  });

  it('a -logdir that cannot hold files: glog error on stderr, the line there too, and stderr logging goes on', async () => {
    const parent = await tempDir('needlework-log-');
    const missing = path.join(parent, 'no', 'such', 'dir');
    const stderr: string[] = [];
    const { logger } = createProcessLogger(
      { ...GLOG_DEFAULTS, dir: missing, alsoToStderr: false },
      environment(stderr),
    );
    assert.doesNotThrow(() => logger.info('first line'));
    assert.equal(stderr.length, 2);
    assert.match(stderr[0]!, /needlework\] first line\n$/);
    assert.equal(
      stderr[1],
      `glog: exiting because of error: log: cannot create log: open ${missing}/needlework.testhost.tester.log.INFO.${/\d{8}-\d{6}/.exec(stderr[1]!)?.[0]}.4242: no such file or directory\n`,
    );
    // No file logging after that; lines at the threshold still reach stderr, once.
    logger.info('not anywhere');
    logger.error('on stderr');
    assert.equal(stderr.length, 3);
    assert.match(stderr[2]!, /^E.* needlework\] on stderr\n$/);
    assert.equal(existsSync(missing), false);
  });
});

describe('process logger: -log_json', () => {
  it('writes one JSON object a line with the severity, time, component, fields and message', async () => {
    const dir = await tempDir('needlework-log-');
    const stderr: string[] = [];
    const { logger } = createProcessLogger({ ...GLOG_DEFAULTS, dir, json: true, verbosity: 1 }, environment(stderr));
    const scrubber = logger.child({ component: 'scrubber' });
    scrubber.error('scrubber: volume 7 is damaged', { volumeId: 7, error: 'checksum mismatch' });
    scrubber.verbose(1, 'detail');
    const [damaged, detail] = stderr.map(
      (line) =>
        JSON.parse(line) as { level: string; ts: string; component: string; msg: string; [field: string]: unknown },
    );
    assert.equal(damaged?.level, 'ERROR');
    assert.match(String(damaged?.ts), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.equal(damaged?.component, 'scrubber');
    assert.equal(damaged?.volumeId, 7);
    assert.equal(damaged?.error, 'checksum mismatch');
    assert.equal(damaged?.msg, 'scrubber: volume 7 is damaged');
    assert.equal(detail?.level, 'INFO');
    assert.equal(detail?.v, 1);
    // JSON files carry no text header, so they stay one object a line.
    const info = readFileSync(path.join(dir, readlinkSync(path.join(dir, 'needlework.INFO'))), 'utf8');
    assert.deepEqual(
      info
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg),
      ['scrubber: volume 7 is damaged', 'detail'],
    );
  });
});

describe('process logger: fatal', () => {
  it('writes a FATAL line to stderr and every file', async () => {
    const dir = await tempDir('needlework-log-');
    const stderr: string[] = [];
    const processLogger = createProcessLogger({ ...GLOG_DEFAULTS, dir, alsoToStderr: false }, environment(stderr));
    processLogger.fatal('fatal: boom');
    assert.deepEqual(parsedLines(stderr), [{ letter: 'F', rest: 'needlework] fatal: boom' }]);
    for (const severity of ['INFO', 'WARNING', 'ERROR', 'FATAL']) {
      const text = readFileSync(path.join(dir, readlinkSync(path.join(dir, `needlework.${severity}`))), 'utf8');
      assert.match(text, /\nF\d{4} [\d:.]+ needlework\] fatal: boom\n$/);
    }
  });
});
