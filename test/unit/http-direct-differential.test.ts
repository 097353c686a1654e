// Differential check of direct connections against node:http: random pipelined request
// sequences (fid and other targets, every method, odd header spellings and whitespace,
// malformed heads, HTTP/1.0, Connection: close, chunked bodies, heads and bodies split across
// writes) go to two servers over identical stores, one with direct connections and one without.
// The byte streams that come back must be the same but for Date, the request id and
// Last-Modified. Each sequence ends with a Connection: close request, so the server ends it.
// A sequence also ends at a request that closes the connection (HTTP/1.0 without keep-alive, or
// Connection: close): a client must send nothing after it (RFC 9112, 9.6), and node:http itself
// answers bytes that follow it differently depending on whether its parser reads the socket
// directly (the first reply, then the close) or is handed the bytes (a 400: "Data after
// Connection: close"), as on every connection node:http got from the direct side. For the same
// reason a request node:http refuses as malformed comes last, in a write of its own once the
// replies before it are out: node:http answers it with a 400 and closes, and whether the replies
// to requests pipelined before it go out first depends on how fast their handlers were.
// DIFF_SEED, DIFF_RUNS and DIFF_NO_SHRINK=1 choose the runs; DIFF_DUMP=<file> writes the first
// differing exchange there.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { allocateTestVolume, tempDir } from '../support/helpers.ts';

const VOLUME_ID = 5;
const KNOWN_KEYS = [0x11, 0x12, 0x13];
const COOKIE = '0badf00d';
const fid = (key: number) => `${VOLUME_ID},${key.toString(16)}${COOKIE}`;
/** Every key a sequence may write or delete. */
const STATE_KEYS = [...KNOWN_KEYS, ...Array.from({ length: 9 }, (_, i) => 0x20 + i)];
const RUNS = Number(process.env.DIFF_RUNS ?? 120);
const EXCHANGE_TIMEOUT_MS = 10_000;

async function openServer(direct: boolean): Promise<{ store: Store; servers: HttpServers }> {
  const dir = await tempDir('needlework-direct-diff-');
  const store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
  await store.load();
  await allocateTestVolume(store, VOLUME_ID);
  const servers = await listenHttpServers(
    {
      store,
      serverVersion: '30GB 4.53',
      fileSizeLimitBytes: 64 * 1024,
      isHealthy: () => true,
      log: silentLogger,
      fastPath: { reads: true, writes: true, direct },
    },
    { host: '127.0.0.1', port: 0, closeGraceMs: 100 },
  );
  return { store, servers };
}

/** Sends `pieces` one write each (a pause between), and resolves every byte received until the server closes. */
function exchange(port: number, pieces: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no close within ${EXCHANGE_TIMEOUT_MS} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(-400))}`,
        ),
      );
    }, EXCHANGE_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the server closed: what was received counts
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.on('connect', async () => {
      for (const [i, piece] of pieces.entries()) {
        if (socket.destroyed) return;
        if (i > 0) await new Promise((r) => setTimeout(r, i === pieces.length - 1 ? 50 : 5));
        socket.write(piece);
      }
    });
  });
}

function masked(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/\r\nDate: [^\r]*/g, '\r\nDate: -')
    .replace(/\r\nx-amz-request-id: [^\r]*/gi, '\r\nx-amz-request-id: -')
    .replace(/\r\nlast-modified: [^\r]*/gi, '\r\nlast-modified: -');
}

const headerName = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());
const extraHeader = fc.oneof(
  fc.tuple(headerName('Accept-Encoding'), fc.constantFrom('gzip', 'identity', ' gzip ', '')),
  fc.tuple(headerName('Range'), fc.constantFrom('bytes=0-3', 'bytes=2-', 'bytes=x')),
  fc.tuple(headerName('If-None-Match'), fc.constantFrom('"x"', '*')),
  fc.tuple(headerName('Connection'), fc.constantFrom('keep-alive', 'close', 'Keep-Alive', 'upgrade')),
  fc.tuple(headerName('User-Agent'), fc.constantFrom('Go-http-client/1.1', 'x\ty')),
  fc.tuple(headerName('Seaweed-Color'), fc.constantFrom('blue', '')),
  fc.tuple(headerName('Expect'), fc.constant('100-continue')),
  fc.tuple(
    fc.constantFrom('X-Odd Name', 'X-Ctl', 'Bad:Colon', 'constructor', '__proto__'),
    fc.constantFrom('v', 'a\x01b'),
  ),
);
const target = fc.oneof(
  fc.constantFrom(...KNOWN_KEYS).map((key) => `/${fid(key)}`),
  fc.integer({ min: 0x20, max: 0x28 }).map((key) => `/${fid(key)}`),
  fc.constantFrom(
    '/healthz',
    `/${VOLUME_ID},zz`,
    `/${VOLUME_ID}`,
    `/${fid(0x11)}.txt`,
    `/${fid(0x11)}?dl=true`,
    `/${fid(0x12)}/name.bin`,
    `/${VOLUME_ID},1100000000`,
    '/99,1100000000',
  ),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'),
  target,
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'),
  host: fc.constantFrom('Host: t', 'Host: t', 'host:t', 'HOST:  t  ', ''),
  headers: fc.array(extraHeader, { maxLength: 3 }),
  body: fc.option(fc.uint8Array({ minLength: 0, maxLength: 3000 }), { nil: undefined }),
  chunked: fc.boolean(),
  lineEnd: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
});

type RawRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function encode(r: RawRequest): Buffer {
  const lines = [`${r.method} ${r.target} ${r.version}`];
  if (r.host !== '') lines.push(r.host);
  for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
  let body = Buffer.alloc(0);
  if (r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD') {
    lines.push('Content-Type: application/octet-stream');
    const data = Buffer.from(r.body);
    if (r.chunked && data.length > 0) {
      lines.push('Transfer-Encoding: chunked');
      body = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n0\r\n\r\n')]);
    } else {
      lines.push(`Content-Length: ${data.length}`);
      body = data;
    }
  }
  return Buffer.concat([Buffer.from(`${lines.join(r.lineEnd)}${r.lineEnd}${r.lineEnd}`, 'latin1'), body]);
}

/**
 * The sequence without any request for a fid a POST/PUT/DELETE before it in the sequence wrote.
 * node:http runs the handlers of the pipelined requests it has parsed at once (only the replies
 * are kept in order): a read pipelined behind a write of the same fid may see the old needle, and
 * two writes may land in either order. The direct side serves them one after the other, as Go
 * does, so the two servers would differ there with node:http the one in the wrong.
 */
function noRequestAfterAWrite(requests: RawRequest[]): RawRequest[] {
  const written = new Set<string>();
  return requests.filter((r) => {
    const target = r.target.split(/[?./]/, 2).join('');
    if (written.has(target)) return false;
    if (r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE') written.add(target);
    return true;
  });
}

function expectsContinue(r: RawRequest): boolean {
  return r.headers.some(([name]) => name.toLowerCase() === 'expect');
}

/** Whether node:http refuses this request's head (400, then the close). */
function isMalformed(r: RawRequest): boolean {
  return (
    r.lineEnd === '\n' ||
    (r.host === '' && r.version === 'HTTP/1.1') ||
    r.headers.some(([name, value]) => name === 'X-Odd Name' || value.includes('\x01'))
  );
}

/** Whether node:http closes the connection after this request (so nothing may follow it). */
function closesConnection(r: RawRequest): boolean {
  const connection = r.headers
    .filter(([name]) => name.toLowerCase() === 'connection')
    .map(([, value]) => value.toLowerCase());
  // llhttp's should_keep_alive: HTTP/1.1 closes on a close token, HTTP/1.0 without a keep-alive one.
  if (r.version === 'HTTP/1.0') return !connection.some((value) => value.includes('keep-alive'));
  return connection.some((value) => value.includes('close'));
}

describe('direct connections against node:http, byte for byte', () => {
  let direct: { store: Store; servers: HttpServers };
  let viaNode: { store: Store; servers: HttpServers };

  before(async () => {
    [direct, viaNode] = await Promise.all([openServer(true), openServer(false)]);
    for (const side of [direct, viaNode]) {
      for (const key of KNOWN_KEYS) {
        const data = `hello ${key}`;
        const put = Buffer.from(
          `PUT /${fid(key)} HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: ${data.length}\r\nConnection: close\r\n\r\n${data}`,
          'latin1',
        );
        assert.match((await exchange(side.servers.adminPort, [put])).toString('latin1'), /^HTTP\/1\.1 201/);
      }
    }
  });
  after(async () => {
    for (const side of [direct, viaNode]) {
      await side.servers.close();
      await side.store.close();
    }
  });

  it('answers every sequence as node:http does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(request, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 400 }),
        async (requests, splitAt) => {
          const sentinel = Buffer.from('GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', 'latin1');
          // Expect: 100-continue only on the first request: node:http writes a 100 Continue for a
          // pipelined request queued behind another after that one's head, on either path.
          const sequence = noRequestAfterAWrite(requests);
          const last = sequence.findIndex(
            (r, i) => closesConnection(r) || isMalformed(r) || (i > 0 && expectsContinue(r)),
          );
          const sent =
            last < 0
              ? sequence
              : sequence.slice(0, expectsContinue(sequence[last] as RawRequest) && last > 0 ? last : last + 1);
          const tail = sent.at(-1) as RawRequest;
          const malformedTail = isMalformed(tail);
          const closed = sent.some(closesConnection) || malformedTail;
          const pipelined = Buffer.concat([
            ...(malformedTail ? sent.slice(0, -1) : sent).map(encode),
            ...(closed ? [] : [sentinel]),
          ]);
          const cut = Math.min(splitAt, pipelined.length);
          const pieces: Buffer[] = cut === 0 ? [pipelined] : [pipelined.subarray(0, cut), pipelined.subarray(cut)];
          // A malformed request goes alone, once the replies before it are out (see above).
          if (malformedTail) pieces.push(encode(tail));
          const [fromDirect, fromNode] = await Promise.all([
            exchange(direct.servers.adminPort, pieces),
            exchange(viaNode.servers.adminPort, pieces),
          ]);
          if (process.env.DIFF_DUMP !== undefined && masked(fromDirect) !== masked(fromNode)) {
            writeFileSync(
              process.env.DIFF_DUMP,
              JSON.stringify(
                { pieces: pieces.map((p) => p.toString('latin1')), direct: masked(fromDirect), node: masked(fromNode) },
                null,
                1,
              ),
            );
          }
          assert.equal(masked(fromDirect), masked(fromNode));
          // And the two stores still hold the same needles (one pipelined read of every key).
          const readAll = [
            Buffer.from(
              `${STATE_KEYS.map((key) => `GET /${fid(key)} HTTP/1.1\r\nHost: t\r\n\r\n`).join('')}${sentinel.toString('latin1')}`,
              'latin1',
            ),
          ];
          const [stateDirect, stateNode] = await Promise.all([
            exchange(direct.servers.adminPort, readAll),
            exchange(viaNode.servers.adminPort, readAll),
          ]);
          assert.equal(masked(stateDirect), masked(stateNode), 'the stores hold the same needles');
        },
      ),
      {
        numRuns: RUNS,
        seed: Number(process.env.DIFF_SEED ?? 20261203),
        endOnFailure: process.env.DIFF_NO_SHRINK === '1',
      },
    );
  });
});
