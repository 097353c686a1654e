// A subset of Go's http.DetectContentType: what Go's server sends as Content-Type when a handler
// writes a body without one. Covers the common signatures and the text-vs-binary decision.
const SNIFF_LENGTH_BYTES = 512;

const HTML_TAGS = [
  '<!DOCTYPE HTML',
  '<HTML',
  '<HEAD',
  '<SCRIPT',
  '<IFRAME',
  '<H1',
  '<DIV',
  '<FONT',
  '<TABLE',
  '<A',
  '<STYLE',
  '<TITLE',
  '<B',
  '<BODY',
  '<BR',
  '<P',
  '<!--',
];

interface Signature {
  prefix: number[];
  type: string;
}

const SIGNATURES: readonly Signature[] = [
  { prefix: [0xfe, 0xff], type: 'text/plain; charset=utf-16be' },
  { prefix: [0xff, 0xfe], type: 'text/plain; charset=utf-16le' },
  { prefix: [0xef, 0xbb, 0xbf], type: 'text/plain; charset=utf-8' },
  { prefix: [...Buffer.from('%PDF-')], type: 'application/pdf' },
  { prefix: [...Buffer.from('%!PS-Adobe-')], type: 'application/postscript' },
  { prefix: [...Buffer.from('GIF87a')], type: 'image/gif' },
  { prefix: [...Buffer.from('GIF89a')], type: 'image/gif' },
  { prefix: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: 'image/png' },
  { prefix: [0xff, 0xd8, 0xff], type: 'image/jpeg' },
  { prefix: [...Buffer.from('BM')], type: 'image/bmp' },
  { prefix: [0x00, 0x00, 0x01, 0x00], type: 'image/x-icon' },
  { prefix: [...Buffer.from('OggS\x00')], type: 'application/ogg' },
  { prefix: [...Buffer.from('ID3')], type: 'audio/mpeg' },
  { prefix: [0x50, 0x4b, 0x03, 0x04], type: 'application/zip' },
  { prefix: [0x1f, 0x8b, 0x08], type: 'application/x-gzip' },
  { prefix: [...Buffer.from('Rar!\x1a\x07')], type: 'application/x-rar-compressed' },
  { prefix: [0x00, 0x61, 0x73, 0x6d], type: 'application/wasm' },
  { prefix: [0x1a, 0x45, 0xdf, 0xa3], type: 'video/webm' },
  { prefix: [...Buffer.from('wOFF')], type: 'font/woff' },
  { prefix: [...Buffer.from('wOF2')], type: 'font/woff2' },
];

function isWhitespace(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
}

function startsWith(data: Uint8Array, at: number, prefix: readonly number[]): boolean {
  if (data.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
  return true;
}

function matchesHtmlTag(data: Uint8Array, at: number, tag: string): boolean {
  if (data.length - at < tag.length + 1) return false;
  for (let i = 0; i < tag.length; i++) {
    let b = data[at + i] as number;
    if (b >= 0x61 && b <= 0x7a) b -= 0x20;
    if (b !== tag.charCodeAt(i)) return false;
  }
  const next = data[at + tag.length];
  return next === 0x20 || next === 0x3e;
}

function isBinaryByte(b: number): boolean {
  return b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f);
}

export function detectContentType(body: Uint8Array): string {
  const data = body.subarray(0, SNIFF_LENGTH_BYTES);
  let firstNonWs = 0;
  while (firstNonWs < data.length && isWhitespace(data[firstNonWs] as number)) firstNonWs++;
  for (const tag of HTML_TAGS) if (matchesHtmlTag(data, firstNonWs, tag)) return 'text/html; charset=utf-8';
  if (startsWith(data, firstNonWs, [...Buffer.from('<?xml')])) return 'text/xml; charset=utf-8';
  for (const sig of SIGNATURES) if (startsWith(data, 0, sig.prefix)) return sig.type;
  if (data.length >= 12 && startsWith(data, 0, [...Buffer.from('RIFF')])) {
    const kind = Buffer.from(data.subarray(8, 12)).toString('latin1');
    if (kind === 'WEBP') return 'image/webp';
    if (kind === 'WAVE') return 'audio/wave';
    if (kind === 'AVI ') return 'video/avi';
  }
  if (data.length >= 12 && Buffer.from(data.subarray(4, 8)).toString('latin1') === 'ftyp') {
    if (Buffer.from(data.subarray(8, 11)).toString('latin1') === 'mp4') return 'video/mp4';
  }
  for (const b of data) if (isBinaryByte(b)) return 'application/octet-stream';
  return 'text/plain; charset=utf-8';
}
