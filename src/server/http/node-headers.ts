// A read-only view of node's request headers with the web Headers methods the upload parser
// uses, so the fast path builds no Headers object per request.
import type { IncomingHttpHeaders } from 'node:http';

function joined(value: string | string[]): string {
  return typeof value === 'string' ? value : value.join(', ');
}

export class NodeHeaderView {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.headers[name.toLowerCase()];
    return value === undefined ? null : joined(value);
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void): void {
    for (const key in this.headers) {
      const value = this.headers[key];
      if (value !== undefined) callback(joined(value), key, this as unknown as Headers);
    }
  }
}
