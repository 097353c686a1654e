// /favicon.ico and /seaweedfsstatic/<name>: our own small assets (assets/static), read once at
// start. Only names in that directory are served, so a URL can never reach another file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

// From the package's root (its self-reference), not this module's place: in the built server every
// module is inside one bundle.
const STATIC_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.resolve('needlework/package.json'))),
  'assets',
  'static',
);
const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.ico': 'image/vnd.microsoft.icon',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

interface Asset {
  bytes: Buffer;
  type: string;
  lastModified: string;
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(STATIC_DIR)) {
    const file = path.join(STATIC_DIR, name);
    assets.set(name, {
      bytes: readFileSync(file),
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      lastModified: statSync(file).mtime.toUTCString(),
    });
  }
  return assets;
}

let cached: Map<string, Asset> | null = null;

export function handleStatic(c: Context, name: string): Response {
  cached ??= loadAssets();
  const asset = cached.get(name);
  if (asset === undefined || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) {
    return new Response('404 page not found\n', {
      status: 404,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const headers = {
    'Content-Type': asset.type,
    'Content-Length': String(asset.bytes.length),
    'Last-Modified': asset.lastModified,
  };
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(asset.bytes), { status: 200, headers });
}
