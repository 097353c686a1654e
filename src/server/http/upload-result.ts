// Go's operation.UploadResult as JSON: fields in struct order, empty ones omitted.

export interface UploadResultInput {
  /** Byte strings (as stored); printed as UTF-8 text. */
  name: string;
  size: number;
  etag: string;
  mime: string;
  contentMd5: string;
}

// Any UTF-16 code unit past 0x7f, surrogates included: the string is not plain ASCII.
const NON_ASCII = /[\u0080-\uffff]/;

function text(byteString: string): string {
  // ASCII reads the same as bytes and as UTF-8: most names and every common mime.
  return NON_ASCII.test(byteString) ? Buffer.from(byteString, 'latin1').toString('utf8') : byteString;
}

export function uploadResultFields(input: UploadResultInput): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (input.name !== '') out.name = text(input.name);
  if (input.size !== 0) out.size = input.size;
  if (input.etag !== '') out.eTag = input.etag;
  if (input.mime !== '') out.mime = text(input.mime);
  if (input.contentMd5 !== '') out.contentMd5 = input.contentMd5;
  return out;
}
