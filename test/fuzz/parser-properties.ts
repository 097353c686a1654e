// Properties of the HTTP request parsers (pure functions, so cheap enough for thousands of inputs
// per run): each either answers or throws its own declared error, never anything else, and
// well-formed inputs round-trip.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { NeedleFlag, newNeedle } from '../../src/storage/needle/needle.ts';
import { parseChunkManifest } from '../../src/server/http/chunk-manifest.ts';
import { fastTargetOf } from '../../src/server/http/fast-target.ts';
import { etagListMatches, notModified } from '../../src/server/http/handle-read.ts';
import { formatHttpDate, parseHttpDate, parseHttpTime } from '../../src/gocompat/http-date.ts';
import { verifyFidToken } from '../../src/server/http/jwt.ts';
import { formatMediaType, parseMediaType, parseMediaTypeFully } from '../../src/gocompat/media-type.ts';
import { MultipartError, readMultipart } from '../../src/server/http/multipart.ts';
import { UploadError, parseUpload } from '../../src/server/http/parse-upload.ts';
import { parseGoQuery } from '../../src/gocompat/query.ts';
import { InvalidRange, TooManyRanges, hasTooManyRanges, parseRange } from '../../src/gocompat/range.ts';
import { cleanServePath, goPathBase } from '../../src/server/http/raw-target.ts';
import { detectContentType } from '../../src/gocompat/sniff.ts';
import {
  FidParseError,
  fileTargetOf,
  parseHttpFid,
  parseUrlPath,
  writeTargetOf,
} from '../../src/server/http/url-path.ts';
import type { NamedProperty } from './fuzz-run.ts';
import {
  boundaryArb,
  cookieArb,
  etagListArb,
  fidArb,
  fidPathArb,
  fidText,
  httpDateArb,
  multipartBody,
  mutatedBytes,
  needleIdArb,
  partSpecArb,
  rangeHeaderArb,
  rawQueryArb,
  syntaxText,
  tokenChars,
} from './http-input-arbitraries.ts';

/** Runs `f`; an error that is not one of `allowed` fails the property. */
function onlyThrows<T>(f: () => T, ...allowed: Array<new (...args: any[]) => Error>): T | undefined {
  try {
    return f();
  } catch (err) {
    if (allowed.some((type) => err instanceof type)) return undefined;
    throw err;
  }
}

function pure(name: string, property: fc.IProperty<any>, runsPerUnit = 1): NamedProperty {
  return { name, runsPerUnit, property };
}

const rangeParsing = pure(
  'range-header',
  fc.property(rangeHeaderArb, fc.nat({ max: 64 }), (header, size) => {
    const ranges = onlyThrows(() => parseRange(header, size), InvalidRange, TooManyRanges);
    if (header.startsWith('bytes=')) {
      // The whole body is served exactly when parsing would refuse too many ranges.
      assert.equal(
        hasTooManyRanges(header),
        (() => {
          try {
            parseRange(header, size);
            return false;
          } catch (err) {
            return err instanceof TooManyRanges;
          }
        })(),
      );
    }
    for (const r of ranges ?? []) {
      assert.ok(Number.isSafeInteger(r.start) && r.start >= 0, `start ${r.start}`);
      assert.ok(Number.isSafeInteger(r.length) && r.length >= 1, `length ${r.length}`);
      assert.ok(r.start + r.length <= size, `range ${r.start}+${r.length} past ${size}`);
    }
  }),
);

const rangeWellFormed = pure(
  'range-well-formed',
  fc.property(fc.nat({ max: 1000 }), fc.nat({ max: 1000 }), fc.integer({ min: 1, max: 1000 }), (a, b, size) => {
    const start = Math.min(a, b);
    const end = Math.max(a, b);
    if (start >= size) return;
    assert.deepEqual(parseRange(`bytes=${start}-${end}`, size), [
      { start, length: Math.min(end, size - 1) - start + 1 },
    ]);
    if (b === 0) assert.throws(() => parseRange('bytes=-0', size), InvalidRange);
    else
      assert.deepEqual(parseRange(`bytes=-${b}`, size), [
        { start: size - Math.min(b, size), length: Math.min(b, size) },
      ]);
  }),
);

const fidRoundTrip = pure(
  'fid-round-trip',
  fc.property(needleIdArb, cookieArb, fc.option(fc.nat({ max: 1_000_000 })), (id, cookie, delta) => {
    const text = delta === null ? fidText(id, cookie) : `${fidText(id, cookie)}_${delta}`;
    const expectedId = id + BigInt(delta ?? 0);
    if (expectedId >= 2n ** 64n) {
      assert.throws(() => parseHttpFid(text), FidParseError);
      return;
    }
    assert.deepEqual(parseHttpFid(text), { needleId: expectedId, cookie });
    const parts = parseUrlPath(`/7,${text}`);
    assert.deepEqual(fileTargetOf(parts), { vidText: '7', fidText: text, volumeId: 7, needleId: expectedId, cookie });
  }),
);

const urlPathParsing = pure(
  'url-path',
  fc.property(fidPathArb, rawQueryArb, (path, query) => {
    const parts = parseUrlPath(path);
    for (const field of [parts.vid, parts.fid, parts.filename])
      assert.ok(path.includes(field), `${field} not in ${path}`);
    onlyThrows(() => fileTargetOf(parts), FidParseError);
    onlyThrows(() => writeTargetOf(path, parts), FidParseError);
    // The fast path's reading of a URL is the app's (of the path before any '?'), whenever it takes one.
    const url = query === '' ? path : `${path}?${query}`;
    const fast = fastTargetOf(url);
    if (fast !== null) {
      const appPath = url.slice(0, url.indexOf('?') < 0 ? url.length : url.indexOf('?'));
      const appParts = parseUrlPath(appPath);
      const target = onlyThrows(() => fileTargetOf(appParts), FidParseError);
      assert.ok(target !== undefined, `fast path took ${url} the app refuses`);
      assert.deepEqual(
        { volumeId: fast.volumeId, needleId: fast.needleId, cookie: fast.cookie },
        { volumeId: target.volumeId, needleId: target.needleId, cookie: target.cookie },
      );
      assert.deepEqual(fast.parts, appParts);
      assert.deepEqual(fast.write, writeTargetOf(appPath, appParts));
    }
  }),
);

const fidNoise = pure(
  'fid-text',
  fc.property(fidArb, (fid) => {
    const ids = onlyThrows(() => parseHttpFid(fid), FidParseError);
    if (ids !== undefined) {
      assert.ok(ids.needleId >= 0n && ids.needleId < 2n ** 64n);
      assert.ok(Number.isInteger(ids.cookie) && ids.cookie >= 0 && ids.cookie <= 0xffff_ffff);
    }
  }),
);

const queryParsing = pure(
  'query-string',
  fc.property(
    fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), { maxLength: 6 }),
    rawQueryArb,
    (pairs, noise) => {
      // Round trip: Go's ParseQuery of encoded pairs gives each key's first value back.
      const clean = pairs.filter(([k]) => k !== '' && !k.includes(';') && !/[\uD800-\uDFFF]/.test(k));
      const encoded = clean
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`)
        .join('&');
      const parsed = parseGoQuery(encoded);
      assert.equal(parsed.error, undefined);
      for (const [k, v] of clean) {
        if (/[\uD800-\uDFFF]/.test(v)) continue;
        const first = clean.find(([key]) => key === k)?.[1];
        assert.equal(parsed.get(k), first);
        assert.equal(parsed.has(k), true, v);
      }
      // Noise: always a GoQuery, never a throw.
      const q = parseGoQuery(noise);
      for (const [key, values] of q.entries()) assert.ok(typeof key === 'string' && values.length > 0);
    },
  ),
);

const mediaTypes = pure(
  'media-type',
  fc.property(
    fc.oneof(
      syntaxText(40),
      boundaryArb.map((b) => `multipart/form-data; boundary=${b}`),
      fc
        .tuple(fc.constantFrom('form-data', 'attachment', 'text/plain', 'multipart/form-data'), syntaxText(30))
        .map(([t, rest]) => `${t}; ${rest}`),
    ),
    // No '*' in keys: it marks an RFC 2231 continuation, in Go's parser as in ours.
    fc.string({ unit: fc.constantFrom(...tokenChars.filter((ch) => ch !== '*')), minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'binary-ascii', maxLength: 20 }),
    (text, key, value) => {
      // The shortcut for the common multipart form agrees with the full parse.
      assert.deepEqual(parseMediaType(text), parseMediaTypeFully(text));
      const formatted = formatMediaType('form-data', key, value);
      if (formatted === '') return;
      const back = parseMediaType(formatted);
      assert.ok(back !== undefined, formatted);
      assert.equal(back.params.get(key.toLowerCase()), value, formatted);
    },
  ),
);

const httpDates = pure(
  'http-date',
  fc.property(
    fc.integer({ min: 0, max: 253_402_300_799 }),
    httpDateArb,
    etagListArb,
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }),
    (seconds, text, list, etag) => {
      assert.equal(parseHttpDate(formatHttpDate(seconds)), seconds);
      for (const parsed of [parseHttpDate(text), parseHttpTime(text)])
        assert.ok(parsed === undefined || Number.isInteger(parsed), `${text} -> ${parsed}`);
      assert.equal(typeof notModified(list, text, etag, seconds), 'boolean');
      assert.equal(typeof notModified(undefined, text, etag, seconds), 'boolean');
      assert.equal(etagListMatches(`"${etag}", ${list}`, etag), true);
      assert.equal(notModified(undefined, formatHttpDate(seconds), etag, seconds), seconds !== 0);
    },
  ),
);

const multipartRoundTrip = pure(
  'multipart-round-trip',
  fc.property(boundaryArb, fc.array(partSpecArb, { minLength: 1, maxLength: 4 }), (boundary, parts) => {
    fc.pre(parts.every((p) => !Buffer.from(p.data).includes(`\n--${boundary}`)));
    const body = multipartBody(boundary, parts);
    const read = [...readMultipart(body, boundary)];
    assert.equal(read.length, parts.length);
    read.forEach((part, i) => {
      assert.equal(part.complete, true);
      assert.ok(Buffer.from(parts[i]!.data).equals(part.data), `part ${i} data differs`);
    });
  }),
);

const multipartNoise = pure(
  'multipart-mutated',
  fc.property(
    boundaryArb,
    fc
      .array(partSpecArb, { minLength: 1, maxLength: 3 })
      .chain((parts) => mutatedBytes(fc.constant(new Uint8Array(multipartBody('BOUNDARY', parts))))),
    (boundary, body) => {
      for (const b of [boundary, 'BOUNDARY']) {
        try {
          for (const part of readMultipart(body, b)) {
            assert.ok(part.data.length <= body.length);
            assert.ok(part.headers instanceof Map);
          }
        } catch (err) {
          if (!(err instanceof MultipartError)) throw err;
        }
      }
    },
  ),
);

/** An in-memory upload request over `body` with these headers. */
function uploadRequest(
  method: string,
  headers: Record<string, string>,
  body: Uint8Array,
  query: Record<string, string> = {},
) {
  return {
    method,
    path: '/7,01637037d6',
    headers: new Headers(headers),
    body: (async function* () {
      yield body;
    })(),
    formValue: (key: string) => query[key] ?? '',
    hasFormValue: (key: string) => key in query,
    fileSizeLimitBytes: 64 * 1024,
    maxGunzipBytes: 1024 * 1024,
  };
}

const uploadParsing: NamedProperty = {
  name: 'upload-parse',
  runsPerUnit: 0.5,
  property: fc.asyncProperty(
    boundaryArb,
    fc.array(partSpecArb, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.record(
      {
        'content-encoding': fc.constantFrom('gzip', 'identity', 'br'),
        'content-md5': fc.constantFrom('', 'AAAA', '1B2M2Y8AsgTpgAmY7PhCfg=='),
        'seaweed-k': syntaxText(8),
      },
      { requiredKeys: [] },
    ),
    async (boundary, parts, mutate, extra) => {
      fc.pre(parts.every((p) => !Buffer.from(p.data).includes(`\n--${boundary}`)));
      let body = multipartBody(boundary, parts);
      if (mutate) body = Buffer.concat([body.subarray(0, body.length >> 1), body.subarray((body.length >> 1) + 3)]);
      const headers = {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...Object.fromEntries(Object.entries(extra).filter(([k, v]) => !/[\r\n\0\u0100-\uffff]/.test(v) && k !== '')),
      };
      let upload;
      try {
        upload = await parseUpload(uploadRequest('POST', headers, body));
      } catch (err) {
        if (err instanceof UploadError) return;
        throw err;
      }
      if (mutate || 'content-encoding' in extra) return;
      // Unmutated: the chosen part's bytes are stored (gzipped when upstream would compress them).
      const chosen = parts.find((p) => p.filename !== null && p.filename !== '') ?? parts[0]!;
      const stored = upload.isGzipped ? gunzipSync(upload.data) : Buffer.from(upload.data);
      assert.ok(stored.equals(Buffer.from(chosen.data)), 'stored bytes differ from the uploaded part');
    },
  ),
};

const chunkManifests: NamedProperty = {
  name: 'chunk-manifest',
  runsPerUnit: 0.5,
  property: fc.asyncProperty(
    fc.oneof(
      fc
        .record({
          name: fc.string({ maxLength: 8 }),
          mime: fc.string({ maxLength: 8 }),
          size: fc.nat(),
          chunks: fc.array(fc.record({ fid: fc.string({ maxLength: 12 }), offset: fc.nat(), size: fc.nat() }), {
            maxLength: 5,
          }),
        })
        .map((m) => JSON.stringify(m)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.anything().map((v) => {
        try {
          return JSON.stringify({ chunks: [v] }) ?? '';
        } catch {
          return '';
        }
      }),
      syntaxText(40),
    ),
    fc.boolean(),
    async (json, compressedFlag) => {
      const needle = newNeedle({
        id: 1n,
        cookie: 1,
        data: Buffer.from(json),
        flags: NeedleFlag.IsChunkManifest | (compressedFlag ? NeedleFlag.IsCompressed : 0),
      });
      let manifest;
      try {
        manifest = await parseChunkManifest(needle);
      } catch (err) {
        assert.ok(err instanceof Error && err.message.startsWith('Load chunks manifest error'), String(err));
        return;
      }
      for (let i = 1; i < manifest.chunks.length; i++)
        assert.ok(manifest.chunks[i - 1]!.offset <= manifest.chunks[i]!.offset);
      for (const chunk of manifest.chunks)
        assert.ok(typeof chunk.fid === 'string' && chunk.size >= 0 && chunk.offset >= 0);
    },
  ),
};

function signToken(claims: object, key: string, alg = 'HS256'): string {
  const head = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${body}.${createHmac(hash, key).update(`${head}.${body}`).digest('base64url')}`;
}

const jwtTokens = pure(
  'jwt-token',
  fc.property(
    fc.constantFrom('HS256', 'HS384', 'HS512'),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.string({ maxLength: 12 }),
    fc.option(fc.integer({ min: -1000, max: 1000 })),
    fc.oneof(syntaxText(60), fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'), maxLength: 80 })),
    fc.nat(),
    (alg, key, fid, expDelta, noise, flipAt) => {
      const now = 1_800_000_000;
      const claims = expDelta === null ? { fid } : { fid, exp: now + expDelta };
      const token = signToken(claims, key, alg);
      assert.equal(verifyFidToken(token, key, fid, now), expDelta === null || expDelta > 0);
      assert.equal(verifyFidToken(token, `${key}x`, fid, now), false);
      assert.equal(verifyFidToken(token, key, `${fid}x`, now), false);
      // A changed signature character never verifies (the last char may hold only padding bits).
      const sigStart = token.lastIndexOf('.') + 1;
      const at = sigStart + (flipAt % Math.max(1, token.length - sigStart - 1));
      const flipped = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      assert.equal(verifyFidToken(flipped, key, fid, now), false);
      assert.equal(verifyFidToken(noise, key, fid, now), false);
    },
  ),
);

const pathsAndSniffing = pure(
  'paths-and-sniff',
  fc.property(syntaxText(40), fc.uint8Array({ maxLength: 600 }), (text, bytes) => {
    const cleaned = cleanServePath(text);
    assert.ok(cleaned.startsWith('/'));
    assert.ok(!cleaned.split('/').some((s) => s === '..' || s === '.'), cleaned);
    assert.ok(!goPathBase(text).includes('/') || goPathBase(text) === '/');
    const sniffed = detectContentType(bytes);
    assert.ok(typeof sniffed === 'string' && sniffed.length > 0);
  }),
);

/** Every parser property; their inputs add up to about 13 per budget unit. */
export function parserProperties(): NamedProperty[] {
  return [
    rangeParsing,
    rangeWellFormed,
    fidRoundTrip,
    urlPathParsing,
    fidNoise,
    queryParsing,
    mediaTypes,
    httpDates,
    multipartRoundTrip,
    multipartNoise,
    uploadParsing,
    chunkManifests,
    jwtTokens,
    pathsAndSniffing,
  ];
}
