import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHttpDate, formatHttpDate } from '../../src/gocompat/http-date.ts';
import {
  formatMediaType,
  parseMediaType,
  parseMediaTypeFully,
  parseMediaTypeShared,
} from '../../src/gocompat/media-type.ts';
import { readMultipart } from '../../src/server/http/multipart.ts';
import { parseGoQuery } from '../../src/gocompat/query.ts';
import { InvalidRange, RangeNotOverlapping, multipartLength, parseRange } from '../../src/gocompat/range.ts';
import { cleanServePath, goPathBase } from '../../src/server/http/raw-target.ts';
import { detectContentType } from '../../src/gocompat/sniff.ts';
import {
  FidParseError,
  parseHttpFid,
  parseHttpVolumeId,
  parseUrlPath,
  writeFidText,
} from '../../src/server/http/url-path.ts';
import { goJsonStringMap, goJsonStringify } from '../../src/gocompat/go-json.ts';
import { canonicalHeaderKey } from '../../src/server/http/pairs.ts';

describe('http URL paths and fids', () => {
  it('parses every URL shape like Go', () => {
    assert.deepEqual(parseUrlPath('/3,01637037d6'), {
      vid: '3',
      fid: '01637037d6',
      filename: '',
      ext: '',
      isVolumeIdOnly: false,
    });
    assert.deepEqual(parseUrlPath('/3,01637037d6.jpg'), {
      vid: '3',
      fid: '01637037d6',
      filename: '',
      ext: '.jpg',
      isVolumeIdOnly: false,
    });
    assert.deepEqual(parseUrlPath('/3/01637037d6.jpg'), {
      vid: '3',
      fid: '01637037d6',
      filename: '',
      ext: '.jpg',
      isVolumeIdOnly: false,
    });
    assert.deepEqual(parseUrlPath('/3/01637037d6/report.txt'), {
      vid: '3',
      fid: '01637037d6',
      filename: 'report.txt',
      ext: '.txt',
      isVolumeIdOnly: false,
    });
    assert.deepEqual(parseUrlPath('/a/b/c/3,0163'), {
      vid: '3',
      fid: '0163',
      filename: '',
      ext: '',
      isVolumeIdOnly: false,
    });
    assert.equal(parseUrlPath('/3').isVolumeIdOnly, true);
    assert.equal(parseUrlPath('/').vid, '');
  });

  it('parses vids and fids with Go messages', () => {
    assert.equal(parseHttpVolumeId('42'), 42);
    assert.throws(() => parseHttpVolumeId('invalid'), {
      message: 'strconv.ParseUint: parsing "invalid": invalid syntax',
    });
    assert.throws(() => parseHttpVolumeId(''), FidParseError);
    assert.throws(() => parseHttpVolumeId('4294967296'), /value out of range/);
    assert.deepEqual(parseHttpFid('01e240a1b2c3d4'), { needleId: 123456n, cookie: 0xa1b2c3d4 });
    assert.deepEqual(parseHttpFid('01e240a1b2c3d4_2'), { needleId: 123458n, cookie: 0xa1b2c3d4 });
    assert.throws(() => parseHttpFid('bad'), { message: 'Invalid fid: bad' });
    assert.throws(() => parseHttpFid('12345678_9'), { message: 'KeyHash is too short.' });
    assert.throws(() => parseHttpFid('1'.repeat(25)), { message: 'KeyHash is too long.' });
    assert.throws(() => parseHttpFid('zz345678aa'), /^Error: Parse needleId error: needle id zz format error/);
    assert.throws(() => parseHttpFid('ffffffffffffffff00000000_1'), /overflows needle id/);
    assert.equal(writeFidText('/7,01e240a1b2c3d4.jpg'), '01e240a1b2c3d4');
    assert.equal(writeFidText('/3/01637037d6'), '/3/01637037d6');
  });

  it('cleans paths and takes base names as Go', () => {
    assert.equal(cleanServePath('/a/../b'), '/b');
    assert.equal(cleanServePath('//status'), '/status');
    assert.equal(cleanServePath('/a/'), '/a/');
    assert.equal(cleanServePath('/3,01'), '/3,01');
    assert.equal(goPathBase('/3,01637037d6'), '3,01637037d6');
    assert.equal(goPathBase('a/b/'), 'b');
    assert.equal(goPathBase(''), '.');
  });
});

describe('http ranges', () => {
  it('parses like Go, including its quirks', () => {
    assert.deepEqual(parseRange('bytes=0-4', 16), [{ start: 0, length: 5 }]);
    assert.deepEqual(parseRange('bytes=-3', 16), [{ start: 13, length: 3 }]);
    assert.deepEqual(parseRange('bytes=-99', 16), [{ start: 0, length: 16 }]);
    assert.deepEqual(parseRange('bytes= 1-2 , ,3-', 16), [
      { start: 1, length: 2 },
      { start: 3, length: 13 },
    ]);
    assert.deepEqual(parseRange('bytes=', 16), []);
    assert.deepEqual(parseRange('bytes=16-,0-0', 16), [{ start: 0, length: 1 }]);
    for (const bad of ['bytes=3-1', 'byte=0-1', 'bytes=1', 'bytes=a-b', 'bytes=--3', 'bytes=-', 'bytes=-+-1']) {
      assert.throws(
        () => parseRange(bad, 16),
        (err) => err instanceof InvalidRange && !(err instanceof RangeNotOverlapping),
        bad,
      );
    }
    // 4.53: nothing overlapping the content is its own error (416 with `bytes */size`).
    for (const none of ['bytes=16-', 'bytes=17-', 'bytes=-0', 'bytes=20-30,-0']) {
      assert.throws(() => parseRange(none, 16), RangeNotOverlapping, none);
    }
    assert.throws(() => parseRange('bytes=0-0', 0), RangeNotOverlapping);
  });

  it('computes the multipart length of what is sent', () => {
    const ranges = [
      { start: 0, length: 2 },
      { start: 4, length: 2 },
    ];
    const boundary = 'b'.repeat(60);
    const expected = `--${boundary}\r\nContent-Range: bytes 0-1/16\r\nContent-Type: \r\n\r\n01\r\n--${boundary}\r\nContent-Range: bytes 4-5/16\r\nContent-Type: \r\n\r\n45\r\n--${boundary}--\r\n`;
    assert.equal(multipartLength(boundary, ranges, '', 16), expected.length);
  });
});

describe('http media types, dates, queries, JSON', () => {
  it('parses media types and dispositions like mime.ParseMediaType', () => {
    assert.deepEqual(parseMediaType('multipart/form-data; boundary=abc'), {
      type: 'multipart/form-data',
      params: new Map([['boundary', 'abc']]),
    });
    assert.equal(parseMediaType('attachment; filename="C:\\dir\\a.txt"')?.params.get('filename'), 'C:\\dir\\a.txt');
    assert.equal(parseMediaType('attachment; filename="a\\"b"')?.params.get('filename'), 'a"b');
    assert.equal(
      parseMediaType("attachment; filename*=UTF-8''r%C3%A9.txt")?.params.get('filename'),
      Buffer.from('ré.txt').toString('latin1'),
    );
    assert.equal(parseMediaType('attachment; filename=a; filename=b'), undefined);
    assert.deepEqual(parseMediaType('text/plain;'), { type: 'text/plain', params: new Map() });
    assert.equal(parseMediaType('attachment; bogus'), undefined);
    assert.equal(parseMediaType('/x'), undefined);
  });

  it('formats Content-Disposition like mime.FormatMediaType', () => {
    assert.equal(formatMediaType('inline', 'filename', 'report.txt'), 'inline; filename=report.txt');
    assert.equal(formatMediaType('inline', 'filename', '7,01e240a1b2c3d4'), 'inline; filename="7,01e240a1b2c3d4"');
    assert.equal(formatMediaType('attachment', 'filename', 'a "b".txt'), 'attachment; filename="a \\"b\\".txt"');
    assert.equal(
      formatMediaType('inline', 'filename', Buffer.from('é x.txt').toString('latin1')),
      "inline; filename*=utf-8''%C3%A9%20x.txt",
    );
  });

  it('formats and strictly parses HTTP dates', () => {
    assert.equal(formatHttpDate(1_700_000_000), 'Tue, 14 Nov 2023 22:13:20 GMT');
    // The last date is remembered: a different one right after must not get it.
    assert.equal(formatHttpDate(1_700_000_001), 'Tue, 14 Nov 2023 22:13:21 GMT');
    assert.equal(formatHttpDate(1_700_000_001), 'Tue, 14 Nov 2023 22:13:21 GMT');
    assert.equal(formatHttpDate(1_700_000_000), 'Tue, 14 Nov 2023 22:13:20 GMT');
    assert.equal(parseHttpDate('Tue, 14 Nov 2023 22:13:20 GMT'), 1_700_000_000);
    assert.equal(parseHttpDate('Tue, 14 Nov 2023 22:13:20 UTC'), undefined);
    assert.equal(parseHttpDate('Tue, 31 Nov 2023 22:13:20 GMT'), undefined);
    assert.equal(parseHttpDate('Tuesday, 14-Nov-23 22:13:20 GMT'), undefined);
  });

  it('parses queries like url.ParseQuery', () => {
    const q = parseGoQuery('a=1&a=2&b=x+y%21&dl&bad=%zz&c=3');
    assert.equal(q.get('a'), '1');
    assert.equal(q.get('b'), 'x y!');
    assert.equal(q.has('dl'), true);
    assert.equal(q.get('c'), '3');
    assert.equal(q.has('bad'), false);
    assert.equal(q.error, 'invalid URL escape "%zz"');
    assert.equal(parseGoQuery('a=1;b=2').error, 'invalid semicolon separator in query');
  });

  it('writes JSON as Go does', () => {
    assert.equal(goJsonStringify({ error: 'a<b & c>d' }, false), '{"error":"a\\u003cb \\u0026 c\\u003ed"}');
    assert.equal(goJsonStringify({ size: 1 }, true), '{\n  "size": 1\n}');
    assert.equal(
      goJsonStringMap([
        ['b', '2'],
        ['A', '1'],
        ['10', 'x'],
      ]),
      '{"10":"x","A":"1","b":"2"}',
    );
    assert.equal(canonicalHeaderKey('seaweed-foo-bar'), 'Seaweed-Foo-Bar');
  });

  it('sniffs content types', () => {
    assert.equal(detectContentType(Buffer.from('hello')), 'text/plain; charset=utf-8');
    assert.equal(detectContentType(Buffer.from('  <html><body>')), 'text/html; charset=utf-8');
    assert.equal(detectContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
    assert.equal(detectContentType(Buffer.from([0, 1, 2, 3])), 'application/octet-stream');
  });
});

describe('http media type shortcuts', () => {
  // The multipart shortcut and the shared cache must answer exactly as Go's full parse.
  const alphabet = 'abcXYZ019-_.!#$%&\'*+^`|~ ;="()<>@,:/[]?{}\t';
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const randomText = (length: number): string => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');

  it('the plain multipart shortcut agrees with the full parser', () => {
    const samples = [
      'multipart/form-data; boundary=abc',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary="q"',
      'Multipart/Form-Data; boundary=x',
    ];
    for (let i = 0; i < 3000; i++) samples.push(`multipart/form-data; boundary=${randomText(1 + next(70))}`);
    for (const text of samples) assert.deepEqual(parseMediaType(text), parseMediaTypeFully(text), text);
  });

  it('shared results agree with the full parser, also once the cache has been cleared', () => {
    const texts = [
      'form-data; filename=.; name=file',
      'form-data; name="file"; filename="a.bin"',
      "attachment; filename*=UTF-8''r%C3%A9.txt",
      'bad;;',
    ];
    for (let i = 0; i < 600; i++) texts.push(`form-data; name=${randomText(1 + next(12))}`);
    for (let round = 0; round < 2; round++) {
      for (const text of texts) assert.deepEqual(parseMediaTypeShared(text), parseMediaTypeFully(text), text);
    }
  });
});

describe('http multipart reader', () => {
  it('reads parts with CRLF or LF, skipping a preamble', () => {
    const crlf = Buffer.from(
      'preamble\r\n--b\r\nContent-Disposition: form-data; name="x"\r\n\r\none\r\n--b\r\nX-A: 1\r\n\r\n\r\n--b--\r\n',
    );
    const parts = [...readMultipart(crlf, 'b')];
    assert.equal(parts.length, 2);
    assert.equal(parts[0]?.data.toString(), 'one');
    assert.equal(parts[1]?.headers.get('x-a'), '1');
    assert.equal(parts[1]?.data.length, 0);
    const lf = Buffer.from('--b\nA: 1\n\nline1\nline2\n--b--\n');
    assert.equal([...readMultipart(lf, 'b')][0]?.data.toString(), 'line1\nline2');
  });

  it('keeps boundary-like data and flags truncated parts', () => {
    const body = Buffer.from('--b\r\n\r\nx\r\n--bb not a boundary\r\n--b--');
    assert.equal([...readMultipart(body, 'b')][0]?.data.toString(), 'x\r\n--bb not a boundary');
    const truncated = readMultipart(Buffer.from('--b\r\n\r\nno end'), 'b');
    const first = truncated.next().value;
    assert.equal(first && 'complete' in first ? first.complete : undefined, false);
    assert.throws(() => truncated.next(), /EOF/);
    assert.throws(() => [...readMultipart(Buffer.from(''), 'b')], /multipart: NextPart: EOF/);
  });
});
