// Slow-client defences of the HTTP listeners: a headers deadline, Go's -idleTimeout as a
// no-progress limit per connection, and a bound on open connections.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenHttpServers, type HttpServers } from '../../src/server/http/index.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from './helpers.ts';
import { send } from './http-fixture.ts';
import { linesLogger } from './lines-logger.ts';

const IDLE_TIMEOUT_MS = 400;
const HEADERS_TIMEOUT_MS = 1_200;
const MAX_CONNECTIONS = 4;
/** Far beyond every limit above: a socket still open then was never bounded. */
const GIVE_UP_MS = 8_000;

/** Resolves with how the socket ended: 'closed', or 'open' when it outlived GIVE_UP_MS. */
function endOf(socket: Socket): Promise<'closed' | 'open'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), GIVE_UP_MS);
    socket.on('error', () => {});
    // A paused socket never sees its end, so read (and drop) whatever the server says.
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('HTTP slow clients', () => {
  let store: Store;
  let servers: HttpServers;
  const logs: string[] = [];

  before(async () => {
    const dir = await tempDir('needlework-slow-');
    store = new Store([{ dir, maxVolumeCount: 0, diskType: '', diskId: 0 }], 4, linesLogger(logs));
    await store.load();
    await store.allocateVolume({ volumeId: 7, collection: '', replication: '000', ttl: '', diskType: '', version: 3 });
    servers = await listenHttpServers(
      {
        store,
        serverVersion: '30GB 4.53',
        fileSizeLimitBytes: 1 << 20,
        isHealthy: () => true,
        log: linesLogger(logs),
      },
      {
        host: '127.0.0.1',
        port: 0,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        maxConnections: MAX_CONNECTIONS,
        closeGraceMs: 100,
      },
    );
  });
  after(async () => {
    await servers.close();
    await store.close();
  });

  it('closes a connection whose headers stop half way', async () => {
    const socket = await open(servers.adminPort);
    socket.write('GET /status HTTP/1.1\r\nHost: x\r\n');
    assert.equal(await endOf(socket), 'closed');
  });

  it('closes a connection whose headers trickle in past the headers deadline', async () => {
    const socket = await open(servers.adminPort);
    socket.write('GET /status HTTP/1.1\r\nHost: x\r\n');
    // Each byte comes well inside the idle timeout, so only the headers deadline can end it.
    const trickle = setInterval(() => socket.write('X'), IDLE_TIMEOUT_MS / 4);
    try {
      assert.equal(await endOf(socket), 'closed');
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes an upload whose body stalls', async () => {
    const socket = await open(servers.adminPort);
    socket.write(
      'POST /7,01637037d6 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\nabc',
    );
    assert.equal(await endOf(socket), 'closed');
    const reply = await send(servers.adminPort, 'GET', '/7,01637037d6');
    assert.equal(reply.status, 404, 'the stalled upload stored nothing');
  });

  it('refuses connections past the limit, logs it, and serves again once they close', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) held.push(await open(servers.adminPort));
    const extra = await open(servers.adminPort);
    // Node accepts, then destroys a connection over the limit at once.
    assert.equal(await endOf(extra), 'closed');
    assert.ok(
      logs.some((line) => line.includes(`connection limit ${MAX_CONNECTIONS} reached`)),
      logs.join('\n'),
    );
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reply = await send(servers.adminPort, 'GET', '/status');
    assert.equal(reply.status, 200);
  });

  it('keeps serving a request that makes progress', async () => {
    const reply = await send(
      servers.adminPort,
      'POST',
      '/7,01637037d6',
      { 'Content-Type': 'application/octet-stream' },
      Buffer.alloc(4096, 1),
    );
    assert.equal(reply.status, 201);
    const read = await send(servers.adminPort, 'GET', '/7,01637037d6');
    assert.equal(read.status, 200);
    assert.equal(read.body.length, 4096);
  });
});
