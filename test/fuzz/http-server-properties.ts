// Fuzzed requests against an in-process server: every answer is a clear status, a 5xx only where
// upstream answers 5xx too, the server keeps answering, and no refused request changes a stored
// needle (each input ends by comparing every known needle's record and reading one back).
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { NamedProperty } from './fuzz-run.ts';
import {
  FUZZ_VOLUME_ID,
  type FuzzServer,
  KNOWN_COOKIE,
  SCRATCH_FIRST_ID,
  SCRATCH_IDS,
  type Reply,
  sendRaw,
  signFidToken,
  startFuzzServer,
} from './http-fuzz-server.ts';
import {
  boundaryArb,
  cookieArb,
  etagListArb,
  fidPathArb,
  fidText,
  httpDateArb,
  multipartBody,
  mutatedBytes,
  partSpecArb,
  rangeHeaderArb,
  rawQueryArb,
  syntaxText,
} from './http-input-arbitraries.ts';

type FidKind = 'known' | 'known-wrong-cookie' | 'scratch' | 'other-volume' | 'noise';

interface FuzzRequest {
  method: string;
  fidKind: FidKind;
  knownIndex: number;
  /** For scratch and wrong-cookie fids. */
  scratchIndex: number;
  cookie: number;
  shape: 'comma' | 'comma-ext' | 'slash' | 'slash-name' | 'delta';
  /** For the comma-ext shape: image extensions make resize and crop queries apply. */
  ext: string;
  noisePath: string;
  query: string;
  headers: Record<string, string>;
  auth: 'none' | 'garbage' | 'valid' | 'other-fid' | 'expired' | 'wrong-key';
  body: Buffer | null;
  readBack: number;
}

const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('OPTIONS', 'PATCH', 'TRACE', 'FOO') },
);

const queryArb = fc.oneof(
  rawQueryArb,
  fc
    .subarray([
      'cm=true',
      'cm=false',
      'readDeleted=true',
      'type=replicate',
      'ts=1700000000',
      'ts=-1',
      'ttl=3m',
      'ttl=x',
      'width=10',
      'height=5',
      'mode=fit',
      'mode=fill',
      'crop_x1=1&crop_y1=1&crop_x2=4&crop_y2=4',
      'fsync=true',
      'pretty=y',
      'dl=true',
      'response-content-type=a/b',
      '%zz=1',
      'a;b=c',
    ])
    .map((parts) => parts.join('&')),
);

/** Header values a client can send (node refuses control characters and code points past 0xff). */
function headerSafe(text: string): string {
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

const headersArb: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      range: rangeHeaderArb,
      'if-range': fc.oneof(httpDateArb, etagListArb),
      'if-modified-since': httpDateArb,
      'if-none-match': etagListArb,
      'content-encoding': fc.constantFrom('gzip', 'identity', 'br', 'deflate', ''),
      'accept-encoding': fc.constantFrom('gzip', 'identity', 'br, gzip;q=0', '*'),
      'content-type': fc.oneof(
        boundaryArb.map((b) => `multipart/form-data; boundary=${b}`),
        fc.constantFrom(
          'multipart/form-data',
          'multipart/form-data; boundary=',
          'multipart/form-data; boundary="a b"',
          'application/octet-stream',
          'text/plain',
          'image/jpeg',
          'application/x-www-form-urlencoded',
          '',
        ),
        syntaxText(30),
      ),
      'content-md5': fc.constantFrom('1B2M2Y8AsgTpgAmY7PhCfg==', 'xx', ''),
      'content-disposition': fc.oneof(
        fc.constantFrom('attachment; filename="a.txt"', 'inline; name=x', "form-data; filename*=utf-8''%E2%82%AC.txt"),
        syntaxText(30),
      ),
      'seaweed-pair': syntaxText(20),
      cookie: fc.oneof(fc.constant('AT=garbage'), syntaxText(20)),
    },
    { requiredKeys: [] },
  )
  .map((headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, headerSafe(v)])));

const bodyArb: fc.Arbitrary<Buffer | null> = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.uint8Array({ maxLength: 2000 }).map((b) => gzipSync(b)),
  fc
    .tuple(fc.array(partSpecArb, { minLength: 1, maxLength: 3 }))
    .chain(([parts]) => mutatedBytes(fc.constant(new Uint8Array(multipartBody('B0UNDARY', parts))))),
  fc.array(partSpecArb, { minLength: 1, maxLength: 3 }).map((parts) => multipartBody('B0UNDARY', parts)),
  fc
    .array(
      fc.record({
        fid: fc.oneof(fc.constantFrom('7,0111223344', '7,0211223344', '8,01aa', 'bad'), syntaxText(10)),
        offset: fc.nat({ max: 5000 }),
        size: fc.nat({ max: 5000 }),
      }),
      { maxLength: 4 },
    )
    .map((chunks) =>
      Buffer.from(
        JSON.stringify({
          name: 'm.bin',
          mime: 'application/octet-stream',
          size: chunks.reduce((s, c) => s + c.size, 0),
          chunks,
        }),
      ),
    ),
  fc.constant(Buffer.alloc(300 * 1024, 1)),
);

const requestArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: methodArb,
  fidKind: fc.constantFrom<FidKind>('known', 'known-wrong-cookie', 'scratch', 'scratch', 'other-volume', 'noise'),
  knownIndex: fc.nat(),
  scratchIndex: fc.nat({ max: SCRATCH_IDS - 1 }),
  cookie: cookieArb,
  shape: fc.constantFrom('comma', 'comma', 'comma-ext', 'comma-ext', 'slash', 'slash-name', 'delta'),
  ext: fc.constantFrom('.txt', '.png', '.jpg', '.gif', '.webp', '.'),
  noisePath: fidPathArb,
  query: queryArb,
  headers: headersArb,
  auth: fc.constantFrom('none', 'garbage', 'valid', 'other-fid', 'expired', 'wrong-key'),
  body: bodyArb,
  readBack: fc.nat(),
});

const MUTATING = new Set(['POST', 'PUT', 'DELETE']);

/** Escapes what a request line cannot carry; '%' stays, so bad escapes reach the server. */
function percentEncode(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

function requestLinePath(p: string): string {
  return p.replace(/[^\x21-\x7e]|[#?]/gu, percentEncode);
}

function requestLineQuery(q: string): string {
  return q === '' ? '' : `?${q.replace(/[^\x21-\x7e]/gu, percentEncode)}`;
}

interface Built {
  target: string;
  /** The `vid,fid` a JWT would name, when the path has one. */
  fid: string | undefined;
}

function buildTarget(server: FuzzServer, r: FuzzRequest): Built {
  const known = server.known[r.knownIndex % server.known.length]!;
  let vid = String(FUZZ_VOLUME_ID);
  let key: string;
  switch (r.fidKind) {
    case 'known':
      key = fidText(known.id, KNOWN_COOKIE);
      break;
    case 'known-wrong-cookie':
      key = fidText(known.id, r.cookie === KNOWN_COOKIE ? r.cookie ^ 1 : r.cookie);
      break;
    case 'scratch':
    case 'other-volume':
      key = fidText(SCRATCH_FIRST_ID + BigInt(r.scratchIndex), r.cookie);
      if (r.fidKind === 'other-volume') vid = '8';
      break;
    default: {
      return { target: `${requestLinePath(r.noisePath)}${requestLineQuery(r.query)}`, fid: undefined };
    }
  }
  const fid = `${vid},${key}`;
  let p: string;
  switch (r.shape) {
    case 'comma-ext':
      p = `/${fid}${r.ext}`;
      break;
    case 'slash':
      p = `/${vid}/${key}`;
      break;
    case 'slash-name':
      p = `/${vid}/${key}/name.bin`;
      break;
    case 'delta':
      p = `/${fid}_1`;
      break;
    default:
      p = `/${fid}`;
  }
  // A write or delete naming a known needle with its own cookie (and a valid token, when one is
  // needed) is a legitimate change: the generator keeps those out, except where a JWT refuses them.
  const legitimate = r.fidKind === 'known' && MUTATING.has(r.method) && (server.writeKey === '' || r.auth === 'valid');
  const target = `${p}${requestLineQuery(r.query)}`;
  return { target: legitimate ? `/${vid},${fidText(SCRATCH_FIRST_ID, r.cookie)}` : target, fid };
}

function authHeader(server: FuzzServer, r: FuzzRequest, fid: string | undefined): Record<string, string> {
  if (server.writeKey === '' || r.auth === 'none') return {};
  const now = Math.floor(Date.now() / 1000);
  const token = {
    garbage: 'not.a.token',
    valid: signFidToken(fid ?? '7,01', server.writeKey),
    'other-fid': signFidToken('7,ffff11223344', server.writeKey),
    expired: signFidToken(fid ?? '7,01', server.writeKey, now - 10),
    'wrong-key': signFidToken(fid ?? '7,01', `${server.writeKey}-other`),
  }[r.auth];
  return { authorization: `Bearer ${token}` };
}

function errorText(reply: Reply): string {
  try {
    const parsed = JSON.parse(reply.body.toString('utf8')) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : '';
  } catch {
    return '';
  }
}

/**
 * Where upstream answers 5xx as well: a write its store refuses (volume not here, a cookie that
 * differs from the stored needle's: "failed to write to local disk: …"), and a chunk manifest
 * whose chunks cannot be fetched or deleted.
 */
function isUpstream5xx(method: string, reply: Reply): boolean {
  if (reply.status !== 500) return false;
  const error = errorText(reply);
  if (
    (method === 'POST' || method === 'PUT') &&
    /^failed to write to local disk: (volume \d+ not found|mismatching cookie)/.test(error)
  )
    return true;
  return method === 'DELETE' && /^(Delete chunks error|Load chunks manifest error)/.test(error);
}

/** Manifest fids written by earlier inputs: reading one may fail on its chunks, as upstream's does. */
function manifestReadAllowed(reply: Reply, written: Set<string>, target: string): boolean {
  return reply.status === 500 && [...written].some((fid) => target.startsWith(`/${fid}`));
}

function httpProperty(name: string, runsPerUnit: number, s: FuzzServer): NamedProperty {
  const manifests = new Set<string>();
  return {
    name,
    runsPerUnit,
    stateful: true,
    property: fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 3 }), async (requests) => {
      for (const r of requests) {
        const built = buildTarget(s, r);
        const headers = { ...r.headers, ...authHeader(s, r, built.fid) };
        const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : (r.body ?? undefined);
        if (body !== undefined) headers['content-length'] = String(body.length);
        const reply = await sendRaw(s.port, r.method, built.target, headers, body);
        if (r.query.includes('cm=true') && MUTATING.has(r.method) && built.fid !== undefined) manifests.add(built.fid);
        assert.ok(reply.status >= 100 && reply.status < 600, `status ${reply.status}`);
        if (reply.cut !== undefined) {
          // A body cut after its headers only for a chunked read whose later chunk failed.
          assert.ok(
            reply.status === 200 || reply.status === 206,
            `connection cut with status ${reply.status}: ${reply.cut}`,
          );
        }
        if (
          reply.status >= 500 &&
          !isUpstream5xx(r.method, reply) &&
          !manifestReadAllowed(reply, manifests, built.target)
        ) {
          assert.fail(
            `${r.method} ${built.target} answered ${reply.status} ${reply.body.toString('utf8').slice(0, 300)}; logs: ${s.logs.slice(-3).join(' | ')}`,
          );
        }
        if (
          s.writeKey !== '' &&
          MUTATING.has(r.method) &&
          r.fidKind === 'known' &&
          r.auth !== 'valid' &&
          reply.status < 300 &&
          reply.status >= 200
        ) {
          assert.fail(`${r.method} ${built.target} without a valid token answered ${reply.status}`);
        }
        try {
          await s.checkIntact(undefined);
        } catch (err) {
          throw new Error(`after ${r.method} ${built.target} (answered ${reply.status}): ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
      const unhandled = s.logs.find((line) => line.startsWith('http ') && line.includes('    at '));
      assert.equal(unhandled, undefined, 'an exception reached the app error handler');
      await s.checkIntact(s.known[requests[0]!.readBack % s.known.length]);
    }),
  };
}

/** The HTTP properties over two servers (open, and JWT-protected writes); close() stops both. */
export async function httpServerProperties(): Promise<{
  properties: NamedProperty[];
  fastServed: FuzzServer['fastServed'];
  close(): Promise<void>;
}> {
  const open = await startFuzzServer();
  const protectedServer = await startFuzzServer({ writeKey: 'fuzz-write-key' });
  return {
    properties: [httpProperty('http-requests', 0.2, open), httpProperty('http-jwt-requests', 0.05, protectedServer)],
    fastServed: open.fastServed,
    async close() {
      await open.close();
      await protectedServer.close();
    },
  };
}
