// A multipart/form-data reader over an already bounded body buffer, following Go's
// mime/multipart: preamble skipped, CRLF or LF line ends, and a part whose closing boundary is
// missing is reported as incomplete (Go's "unexpected EOF" when its data is read).

export interface MultipartPart {
  /** Lower-cased header names; the first value of each (byte strings). */
  headers: Map<string, string>;
  data: Buffer;
  /** False when the body ended before this part's closing boundary. */
  complete: boolean;
}

export class MultipartError extends Error {}

function lineEnd(body: Buffer, from: number): number {
  const nl = body.indexOf(0x0a, from);
  return nl < 0 ? body.length : nl + 1;
}

/** Whether body[from, to) is optional spaces and tabs, then "\r\n" or "\n", and nothing else. */
function isBlankLineEnd(body: Buffer, from: number, to: number): boolean {
  let i = from;
  while (i < to && (body[i] === 0x20 || body[i] === 0x09)) i++;
  if (i < to && body[i] === 0x0d) i++;
  return i === to - 1 && body[i] === 0x0a;
}

function trimLineEnd(line: string): string {
  return line.replace(/[ \t]*\r?\n$/, '').replace(/[ \t]+$/, '');
}

/**
 * Yields parts in order. Throws MultipartError where Go's NextPart fails (no boundary, bad
 * headers); the caller decides whether that matters (Go stops searching on a later part's error).
 */
export function* readMultipart(body: Buffer, boundary: string): Generator<MultipartPart> {
  const dashBoundary = `--${boundary}`;
  let pos = 0;
  // Preamble: lines until the first boundary line.
  for (;;) {
    if (pos >= body.length) throw new MultipartError('multipart: NextPart: EOF');
    const end = lineEnd(body, pos);
    const line = body.toString('latin1', pos, end);
    const complete = line.endsWith('\n');
    pos = end;
    const trimmed = trimLineEnd(line);
    if (trimmed === `${dashBoundary}--`) return;
    if (trimmed === dashBoundary && complete) break;
    if (!complete) throw new MultipartError('multipart: NextPart: EOF');
  }
  const delimiter = Buffer.from(`\n${dashBoundary}`, 'latin1');
  for (;;) {
    const headers = new Map<string, string>();
    let lastKey: string | undefined;
    for (;;) {
      if (pos >= body.length) throw new MultipartError('multipart: NextPart: EOF');
      const end = lineEnd(body, pos);
      if (body[end - 1] !== 0x0a) throw new MultipartError('multipart: NextPart: EOF');
      // The line without its "\n" or "\r\n".
      const contentEnd = end - 1 > pos && body[end - 2] === 0x0d ? end - 2 : end - 1;
      const content = body.toString('latin1', pos, contentEnd);
      pos = end;
      if (content === '') break;
      if ((content.startsWith(' ') || content.startsWith('\t')) && lastKey !== undefined) {
        headers.set(lastKey, `${headers.get(lastKey) ?? ''} ${content.trim()}`);
        continue;
      }
      const colon = content.indexOf(':');
      if (colon <= 0) throw new MultipartError(`multipart: NextPart: malformed MIME header line: ${content}`);
      const key = content.slice(0, colon).trim().toLowerCase();
      lastKey = key;
      if (!headers.has(key)) headers.set(key, content.slice(colon + 1).trim());
    }
    // Data runs to the next "\n--boundary" (a "\r" before the "\n" belongs to the delimiter)
    // that is followed by "--" or by optional whitespace and a line end.
    let search = pos;
    let dataEnd = -1;
    let next = -1;
    let final = false;
    for (;;) {
      const at = body.indexOf(delimiter, search);
      if (at < 0) break;
      const afterBoundary = at + delimiter.length;
      const tailEnd = lineEnd(body, afterBoundary);
      final = body[afterBoundary] === 0x2d && body[afterBoundary + 1] === 0x2d;
      if (final || isBlankLineEnd(body, afterBoundary, tailEnd)) {
        dataEnd = at > pos && body[at - 1] === 0x0d ? at - 1 : at;
        next = tailEnd;
        break;
      }
      search = at + 1;
    }
    if (dataEnd < 0) {
      yield { headers, data: body.subarray(pos), complete: false };
      throw new MultipartError('multipart: NextPart: EOF');
    }
    yield { headers, data: body.subarray(pos, dataEnd), complete: true };
    if (final) return;
    pos = next;
  }
}
