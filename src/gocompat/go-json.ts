// JSON text as Go's encoding/json writes it.

/** Go escapes these even inside strings (HTML safety), so clients comparing bytes see the same text. */
const GO_ESCAPED = /[<>&\u2028\u2029]/g;
/** The same set without the global flag, for a stateless test (most texts have none of them). */
const HAS_GO_ESCAPED = /[<>&\u2028\u2029]/;

export function goJsonStringify(value: unknown, pretty: boolean): string {
  const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  if (!HAS_GO_ESCAPED.test(text)) return text;
  return text.replace(GO_ESCAPED, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A map[string]string as Go marshals it: keys sorted bytewise (object key order can't be trusted for "123"). */
export function goJsonStringMap(entries: Iterable<[string, string]>): string {
  const sorted = [...entries].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const text = `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  return text.replace(GO_ESCAPED, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
