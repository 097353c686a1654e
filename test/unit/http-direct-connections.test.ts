// Direct connections: heads parsed by the server itself, fid requests answered without
// node:http, the connection handed to node:http at the first request they do not take. The
// replies must be node:http's bytes (compared with a server whose fast path runs on node:http),
// and no byte of a request may be lost or reordered across the hand-over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import { DirectConnection } from '../../src/server/http/direct/direct-connection.ts';
import type { FastPath } from '../../src/server/http/fast-path.ts';
import { createServer, type Server, type Socket } from 'node:net';
import { MAX_DIRECT_HEAD_BYTES, parseRequestHead } from '../../src/server/http/direct/request-head.ts';
import { responseHead } from '../../src/server/http/direct/response-head.ts';
import { Store } from '../../src/store/store.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { allocateTestVolume, tempDir } from '../support/helpers.ts';
import { RawClient, type RawReply } from '../support/raw-http.ts';

const VOLUME_ID = 9;

describe('direct request heads', () => {
  const parse = (text: string) => parseRequestHead(Buffer.from(text, 'latin1'), 0);

  it('parses a fid GET with its headers trimmed and lower-cased', () => {
    const parsed = parse(
      'GET /9,1234567890?x=1 HTTP/1.1\r\nHost: a\r\nAccept-Encoding:  gzip \t\r\nX-Empty:\r\n\r\nrest',
    );
    assert.equal(parsed.kind, 'head');
    if (parsed.kind !== 'head') return;
    assert.equal(parsed.head.method, 'GET');
    assert.equal(parsed.head.url, '/9,1234567890?x=1');
    assert.deepEqual({ ...parsed.head.headers }, { host: 'a', 'accept-encoding': 'gzip', 'x-empty': '' });
    assert.equal(parsed.head.contentLengthBytes, 0);
    assert.equal(
      parsed.endOffset,
      'GET /9,1234567890?x=1 HTTP/1.1\r\nHost: a\r\nAccept-Encoding:  gzip \t\r\nX-Empty:\r\n\r\n'.length,
    );
  });

  it('reads Content-Length and starts at an offset', () => {
    const bytes = Buffer.from('xxPOST /9,1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n', 'latin1');
    const parsed = parseRequestHead(bytes, 2);
    assert.equal(parsed.kind, 'head');
    if (parsed.kind === 'head') assert.equal(parsed.head.contentLengthBytes, 12);
  });

  it('waits for the rest of a head, and declines one that grows past the limit', () => {
    assert.equal(parse('GET /9,1 HTTP/1.1\r\nHost: a\r\n').kind, 'incomplete');
    assert.equal(parse(`GET /9,1 HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(MAX_DIRECT_HEAD_BYTES)}`).kind, 'decline');
    assert.equal(
      parse(`GET /9,1 HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(MAX_DIRECT_HEAD_BYTES)}\r\n\r\n`).kind,
      'decline',
    );
  });

  const declined: Array<[string, string]> = [
    ['HTTP/1.0', 'GET /9,1 HTTP/1.0\r\nHost: a\r\n\r\n'],
    ['another method', 'PATCH /9,1 HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['no Host', 'GET /9,1 HTTP/1.1\r\nX: a\r\n\r\n'],
    ['Transfer-Encoding', 'POST /9,1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['Expect', 'POST /9,1 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n'],
    ['Connection: close', 'GET /9,1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'],
    ['Upgrade', 'GET /9,1 HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n'],
    ['a repeated name', 'GET /9,1 HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n'],
    ['a bad Content-Length', 'POST /9,1 HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n'],
    ['a GET with a body', 'GET /9,1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc'],
    ['a space before the colon', 'GET /9,1 HTTP/1.1\r\nHost : a\r\n\r\n'],
    ['a control character in a value', 'GET /9,1 HTTP/1.1\r\nHost: a\x01\r\n\r\n'],
    ['a bare LF', 'GET /9,1 HTTP/1.1\nHost: a\r\n\r\n'],
    ['a line without a colon', 'GET /9,1 HTTP/1.1\r\nHost: a\r\nnonsense\r\n\r\n'],
    ['a folded line', 'GET /9,1 HTTP/1.1\r\nHost: a\r\n b\r\n\r\n'],
    ['a target that is not a path', 'GET http://a/9,1 HTTP/1.1\r\nHost: a\r\n\r\n'],
    ['a space in the target', 'GET /9,1 x HTTP/1.1\r\nHost: a\r\n\r\n'],
  ];
  for (const [name, text] of declined) {
    it(`declines ${name}`, () => assert.equal(parse(text).kind, 'decline'));
  }

  it('writes response heads as node does, and refuses what writeHead refuses', () => {
    const head = responseHead(201, ['content-type', 'application/json', 'server', 'x'], 30, false);
    assert.match(
      head,
      /^HTTP\/1\.1 201 Created\r\ncontent-type: application\/json\r\nserver: x\r\nDate: [^\r]+ GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=30\r\n\r\n$/,
    );
    assert.match(responseHead(500, [], 30, true), /\r\nConnection: close\r\n\r\n$/);
    assert.throws(() => responseHead(200, ['x', 'a\nb'], 30, false), /invalid character/);
    assert.throws(() => responseHead(200, ['x y', 'a'], 30, false), /invalid header name/);
  });
});

describe('direct connections', () => {
  let store: Store;
  let direct: HttpServers;
  let viaNode: HttpServers;
  const served: { reads: number; writes: number; deletes?: number } = { reads: 0, writes: 0 };
  let nextKey = 0x200;
  const fid = (key: number) => `${VOLUME_ID},${key.toString(16)}12345678`;
  const upload = (key: number, data: string, extra = '') =>
    `PUT /${fid(key)} HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\n${extra}Content-Length: ${Buffer.byteLength(data)}\r\n\r\n${data}`;
  const get = (key: number, extra = '') => `GET /${fid(key)} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;
  /** The reply with what differs per request (Date, the request id) masked. */
  const masked = (reply: RawReply, fidText = '\0') =>
    `${reply.head
      .replace(/\r\nDate: [^\r]*/, '\r\nDate: -')
      .replace(
        /\r\nx-amz-request-id: [^\r]*/i,
        '\r\nx-amz-request-id: -',
      )}\r\n\r\n${reply.body.toString('latin1').replaceAll(fidText, '<fid>')}`;

  before(async () => {
    const dir = await tempDir('needlework-direct-');
    store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, silentLogger);
    await store.load();
    await allocateTestVolume(store, VOLUME_ID);
    const deps = {
      store,
      serverVersion: '30GB 4.53',
      fileSizeLimitBytes: 1024 * 1024,
      isHealthy: () => true,
      log: silentLogger,
    };
    direct = await listenHttpServers(
      { ...deps, fastPath: { reads: true, writes: true, served } },
      { host: '127.0.0.1', port: 0, closeGraceMs: 200 },
    );
    viaNode = await listenHttpServers(
      { ...deps, fastPath: { reads: true, writes: true, direct: false } },
      { host: '127.0.0.1', port: 0, closeGraceMs: 200 },
    );
  });
  after(async () => {
    await direct.close();
    await viaNode.close();
    await store.close();
  });

  async function exchange(port: number, request: string, isHead = false): Promise<RawReply> {
    const client = await RawClient.open(port);
    try {
      await client.write(request);
      return await client.reply(isHead);
    } finally {
      client.close();
    }
  }

  it('answers with the bytes node:http sends', async () => {
    const [a, b] = [nextKey++, nextKey++];
    const written = [
      await exchange(direct.adminPort, upload(a, 'same bytes')),
      await exchange(viaNode.adminPort, upload(b, 'same bytes')),
    ];
    assert.equal(written[0]?.status, 201);
    assert.equal(masked(written[0] as RawReply, fid(a)), masked(written[1] as RawReply, fid(b)));
    const before = served.reads;
    const read = await exchange(direct.adminPort, get(a));
    assert.equal(served.reads - before, 1, 'served by the direct connection');
    assert.equal(masked(read), masked(await exchange(viaNode.adminPort, get(a))));
    const head = `HEAD /${fid(a)} HTTP/1.1\r\nHost: t\r\n\r\n`;
    assert.equal(
      masked(await exchange(direct.adminPort, head, true)),
      masked(await exchange(viaNode.adminPort, head, true)),
    );
    const del = `DELETE /${fid(a)} HTTP/1.1\r\nHost: t\r\n\r\n`;
    const delB = `DELETE /${fid(b)} HTTP/1.1\r\nHost: t\r\n\r\n`;
    assert.equal(masked(await exchange(direct.adminPort, del)), masked(await exchange(viaNode.adminPort, delB)));
  });

  it('serves pipelined requests in order across the hand-over to node:http', async () => {
    const [a, b] = [nextKey++, nextKey++];
    const client = await RawClient.open(direct.adminPort);
    const before = { ...served };
    // Two direct requests, then a ranged read (node:http's), then a plain read served after it.
    await client.write(
      upload(a, 'first needle') + upload(b, 'second needle') + get(a, 'Range: bytes=0-4\r\n') + get(b) + get(a),
    );
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await client.reply());
    client.close();
    assert.deepEqual(
      replies.map((r) => r.status),
      [201, 201, 206, 200, 200],
    );
    assert.equal(replies[2]?.body.toString(), 'first');
    assert.equal(replies[3]?.body.toString(), 'second needle');
    assert.equal(replies[4]?.body.toString(), 'first needle');
    assert.equal(served.writes - before.writes, 2);
    // After the hand-over the fast path still serves the fid reads, on node:http.
    assert.equal(served.reads - before.reads, 2);
  });

  it('takes a body that arrives in pieces, and the head split over two writes', async () => {
    const key = nextKey++;
    const data = 'x'.repeat(5000);
    const request = upload(key, data);
    const client = await RawClient.open(direct.adminPort);
    const cut = request.indexOf('\r\n\r\n') + 4 + 100;
    await client.write(request.slice(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await client.write(request.slice(cut, cut + 2000));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await client.write(request.slice(cut + 2000));
    assert.equal((await client.reply()).status, 201);
    const split = get(key);
    await client.write(split.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await client.write(split.slice(10));
    const read = await client.reply();
    client.close();
    assert.equal(read.status, 200);
    assert.equal(read.body.toString(), data);
  });

  it('declines a write the fast path leaves to the app without losing its body', async () => {
    const key = nextKey++;
    const client = await RawClient.open(direct.adminPort);
    const before = served.writes;
    // A urlencoded form is the app's (Go parses it as form values); the app stores it raw.
    await client.write(
      `POST /${fid(key)} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b`,
    );
    const reply = await client.reply();
    client.close();
    assert.equal(served.writes, before, 'declined by the fast path');
    const other = await exchange(
      viaNode.adminPort,
      `POST /${fid(nextKey++)} HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b`,
    );
    assert.equal(reply.status, other.status);
  });

  it('a client leaving mid-body harms nothing, and the server keeps serving', async () => {
    const key = nextKey++;
    const client = await RawClient.open(direct.adminPort);
    await client.write(upload(key, 'y'.repeat(4000)).slice(0, 300));
    await new Promise((resolve) => setTimeout(resolve, 30));
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await exchange(direct.adminPort, get(key))).status, 404);
    assert.equal((await exchange(direct.adminPort, upload(key, 'whole'))).status, 201);
    assert.equal((await exchange(direct.adminPort, get(key))).body.toString(), 'whole');
  });

  it('many pipelined reads are all answered in order', async () => {
    const key = nextKey++;
    assert.equal((await exchange(direct.adminPort, upload(key, 'z'.repeat(2000)))).status, 201);
    const client = await RawClient.open(direct.adminPort);
    const COUNT = 3000; // some 120 KiB of heads in one write, served in order
    await client.write(get(key).repeat(COUNT));
    for (let i = 0; i < COUNT; i++) {
      const reply = await client.reply();
      assert.equal(reply.status, 200);
      assert.equal(reply.body.length, 2000);
    }
    client.close();
  });

  it('shutdown closes idle direct connections at once', async () => {
    const servers = await listenHttpServers(
      {
        store,
        serverVersion: '30GB 4.53',
        fileSizeLimitBytes: 1024,
        isHealthy: () => true,
        log: silentLogger,
        fastPath: { reads: true, writes: true },
      },
      { host: '127.0.0.1', port: 0, closeGraceMs: 10_000 },
    );
    const client = await RawClient.open(servers.adminPort);
    await client.write(get(0x1));
    assert.equal((await client.reply()).status, 404);
    const startedMs = Date.now();
    await servers.close();
    assert.ok(Date.now() - startedMs < 5000, 'close did not wait for the grace period');
    await client.waitClosed();
  });
});

describe('direct connection back-pressure', () => {
  const REPLY = Buffer.alloc(64 * 1024, 0x61);
  const BUFFER_LIMIT_BYTES = 32 * 1024;
  let server: Server;
  let port: number;
  let connection: DirectConnection | undefined;
  let served = 0;
  let maxBufferedBytes = 0;
  let maxQueuedBytes = 0;
  const fast = {
    targetOf: (_method: string, url: string | undefined) => ({ path: url ?? '' }),
    serve: async () => {
      served++;
      if (connection !== undefined) {
        maxBufferedBytes = Math.max(maxBufferedBytes, connection.bufferedBytes);
        maxQueuedBytes = Math.max(maxQueuedBytes, connection.socket.writableLength);
      }
      return { status: 200, headers: ['content-length', String(REPLY.length)], body: REPLY, downloadBytes: 0 };
    },
    sent: () => {},
    downloadStarted: () => () => {},
    internalError: () => assert.fail('no errors here'),
  } as unknown as FastPath;

  before(async () => {
    server = createServer((socket: Socket) => {
      connection = new DirectConnection(socket, {
        fast,
        handOver: () => assert.fail('nothing is handed over'),
        keepAliveSeconds: 30,
        idleTimeoutMs: 0,
        maxBufferedBytes: BUFFER_LIMIT_BYTES,
        forget: () => {},
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a client that stops reading stops the server reading, and both resume', async () => {
    const SPACED = 300; // one request per write, apart: each arrival is a chance to serve more
    const BURST = 6000; // 192 KiB of heads at once: past the input limit, so some wait in the kernel
    const client = await RawClient.open(port);
    client.socket.pause();
    const request = 'GET /x HTTP/1.1\r\nHost: t\r\n\r\n';
    for (let i = 0; i < SPACED; i++) {
      await client.write(request);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await client.write(request.repeat(BURST));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const servedWhilePaused = served;
    // 300 replies of 64 KiB are more than the sockets hold; none is queued behind them in memory.
    assert.ok(servedWhilePaused < SPACED, `only what the sockets hold is served (${servedWhilePaused})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(served, servedWhilePaused, 'nothing more is served while the client reads nothing');
    client.socket.resume();
    for (let i = 0; i < SPACED + BURST; i++) {
      const reply = await client.reply();
      assert.equal(reply.body.length, REPLY.length);
    }
    client.close();
    assert.equal(served, SPACED + BURST);
    // No reply is queued in memory behind one the client has not taken.
    assert.ok(maxQueuedBytes <= 2 * REPLY.length, `replies queued at most ${maxQueuedBytes} bytes`);
    // The limit plus at most one read of the socket (64 KiB) may wait unparsed.
    assert.ok(maxBufferedBytes <= BUFFER_LIMIT_BYTES + 64 * 1024, `buffered at most ${maxBufferedBytes} bytes`);
  });

  it('shutdown while a reply waits for the client takes no further request', async () => {
    const client = await RawClient.open(port);
    client.socket.pause();
    const request = 'GET /x HTTP/1.1\r\nHost: t\r\n\r\n';
    for (let i = 0; i < 300; i++) {
      await client.write(request);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const servedBefore = served;
    connection?.closeWhenIdle();
    client.socket.resume();
    await client.waitClosed();
    assert.equal(served, servedBefore, 'no request is taken after the shutdown began');
  });
});
