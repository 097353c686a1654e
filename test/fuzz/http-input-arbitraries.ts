// fast-check generators for HTTP inputs: fid texts, Range specs, query strings, header values,
// multipart bodies. Each mixes well-formed shapes with near misses and noise, so both the
// accepting and the refusing branches of a parser are reached.
import fc from 'fast-check';

/** Characters that matter to the parsers (separators, escapes, quotes, line ends) plus noise. */
const SEPARATORS = [
  '/',
  ',',
  '.',
  '_',
  '-',
  '=',
  ';',
  '&',
  '?',
  '#',
  '%',
  '+',
  ' ',
  '\t',
  '"',
  "'",
  '\\',
  '*',
  ':',
  '\r',
  '\n',
  '\0',
  'é',
  '\u{1F600}',
];

/** Short text biased toward parser syntax. */
export function syntaxText(maxLength = 40): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SEPARATORS) },
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxyz'), maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  );
  return fc
    .array(piece, { maxLength: Math.max(1, Math.floor(maxLength / 3)) })
    .map((pieces) => pieces.join('').slice(0, maxLength));
}

/** A needle id (mostly small, sometimes near 2^64) in hex as Go formats it. */
export const needleIdArb = fc.oneof(fc.bigInt({ min: 1n, max: 0xffffn }), fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }));
export const cookieArb = fc.integer({ min: 0, max: 0xffff_ffff });

export function fidText(needleId: bigint, cookie: number): string {
  return `${needleId.toString(16)}${cookie.toString(16).padStart(8, '0')}`;
}

/** A fid text: well formed (with or without `_delta`), or a near miss, or noise. */
export const fidArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(needleIdArb, cookieArb).map(([id, cookie]) => fidText(id, cookie)),
  fc
    .tuple(needleIdArb, cookieArb, fc.nat({ max: 1000 }))
    .map(([id, cookie, delta]) => `${fidText(id, cookie)}_${delta}`),
  fc.tuple(needleIdArb, cookieArb, syntaxText(6)).map(([id, cookie, junk]) => `${fidText(id, cookie)}${junk}`),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF_g'), maxLength: 30 }),
  syntaxText(30),
);

export const vidArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('7', '0', '1', '07', '4294967295', '4294967296', '18446744073709551616', '-1', '+7', ''),
  fc.nat().map(String),
  syntaxText(8),
);

/** A URL path in one of Go's shapes (or not), before any escaping. */
export const fidPathArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(vidArb, fidArb, fc.option(fc.constantFrom('.txt', '.jpg', '.', '.a.b', '.gz')))
    .map(([vid, fid, ext]) => `/${vid},${fid}${ext ?? ''}`),
  fc.tuple(vidArb, fidArb).map(([vid, fid]) => `/${vid}/${fid}`),
  fc.tuple(vidArb, fidArb, syntaxText(12)).map(([vid, fid, name]) => `/${vid}/${fid}/${name}`),
  fc.tuple(syntaxText(10), vidArb, fidArb).map(([prefix, vid, fid]) => `/${prefix}/${vid},${fid}`),
  syntaxText(40).map((text) => `/${text}`),
);

const rangeNumber = fc.oneof(
  fc.nat({ max: 70 }).map(String),
  fc.constantFrom('', '-1', '+3', '00', '9223372036854775807', '9223372036854775808', 'x', ' 5 '),
);

export const rangeHeaderArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(rangeNumber, rangeNumber), { maxLength: 6 })
    .map((specs) => `bytes=${specs.map(([a, b]) => `${a}-${b}`).join(',')}`),
  fc
    .array(fc.constantFrom('0-0', ' ', ',', '-', '1-', '-1'), { minLength: 120, maxLength: 140 })
    .map((specs) => `bytes=${specs.join(',')}`),
  syntaxText(30).map((text) => `bytes=${text}`),
  syntaxText(20),
);

/** A query key or value, as text (percent-encoded by the query arbitrary). */
const queryWord = fc.oneof(
  fc.constantFrom(
    'cm',
    'readDeleted',
    'type',
    'ts',
    'ttl',
    'jwt',
    'width',
    'height',
    'mode',
    'fsync',
    'pretty',
    'replicate',
    'true',
    'false',
  ),
  fc.string({ maxLength: 8 }),
);

export const rawQueryArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.tuple(queryWord, queryWord), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  syntaxText(30),
);

export const httpDateArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => new Date(s * 1000).toUTCString()),
  fc.constantFrom(
    'Mon, 31 Feb 2026 10:00:00 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT',
    'Sunday, 06-Nov-94 08:49:37 GMT',
    'Sun Nov  6 08:49:37 1994',
    '',
  ),
  syntaxText(30),
);

export const etagListArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 8 }).map((t) => `"${t}"`),
        fc.constant('*'),
        fc.constant('W/"x"'),
        syntaxText(6),
      ),
      { maxLength: 4 },
    )
    .map((tags) => tags.join(', ')),
  syntaxText(20),
);

export const tokenChars = [..."!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"];
export const boundaryArb = fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 1, maxLength: 40 });

export interface PartSpec {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Uint8Array;
}

export const partSpecArb: fc.Arbitrary<PartSpec> = fc.record({
  name: fc.constantFrom('file', 'type', 'cm', 'ts', 'fsync', 'x'),
  filename: fc.option(
    fc.oneof(
      fc.constantFrom('a.txt', 'dir/b.bin', 'c\\d.png', 'e f.json'),
      fc.string({ unit: fc.constantFrom(...'abc./\\ -'), maxLength: 10 }),
    ),
  ),
  contentType: fc.option(fc.constantFrom('application/octet-stream', 'text/plain', 'image/png', 'application/x-gzip')),
  data: fc.uint8Array({ maxLength: 300 }),
});

/** A multipart/form-data body with these parts, CRLF line ends, names quoted as Go's writer does. */
export function multipartBody(boundary: string, parts: readonly PartSpec[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== null) head += `; filename="${part.filename.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
    head += '\r\n';
    if (part.contentType !== null) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'latin1'), Buffer.from(part.data), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** A body with some bytes changed, cut, or repeated: near misses of a valid one. */
export function mutatedBytes(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer> {
  const edit = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('flip', 'cut', 'dup', 'insert'),
    byte: fc.integer({ min: 0, max: 255 }),
    length: fc.nat({ max: 20 }),
  });
  return fc.tuple(base, fc.array(edit, { maxLength: 4 })).map(([bytes, edits]) => {
    let out = Buffer.from(bytes);
    for (const e of edits) {
      if (out.length === 0) {
        out = Buffer.from([e.byte]);
        continue;
      }
      const at = e.at % out.length;
      if (e.kind === 'flip') out[at] = e.byte;
      else if (e.kind === 'cut')
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + e.length))]);
      else if (e.kind === 'dup')
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + e.length), out.subarray(at)]);
      else out = Buffer.concat([out.subarray(0, at), Buffer.from([e.byte]), out.subarray(at)]);
    }
    return out;
  });
}
