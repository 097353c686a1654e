// Builds dist/, what bin/needlework runs: the server as one ESM bundle (dist/cli/main.js) and
// the task modules worker threads load by path (the erasure coder's, dist/ec/codec/; the
// start-up `.idx` scan's, dist/storage/), then the stamp bin/needlework checks. One bundle
// because Node's start-up was mostly module loading: resolving, reading and compiling ~400 files
// (ours and the dependencies') took `needlework -h` ~320 ms; bundled, ~200 ms. Type checking is `npm run typecheck`, not this.
// Run: npm run build
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './peer-paths.ts';

/**
 * Left to node_modules at run time: native addons, packages that start workers from files of
 * their own, and the large clients the server loads only when a feature first needs them (S3
 * tiering, the HTTPS client, image resizing) so they stay off the start-up path.
 */
const EXTERNAL = ['sharp', '@node-rs/crc32', 'piscina', '@aws-sdk/*', 'undici'];

// Bundled CommonJS dependencies call require(): in an ES module it has to be made.
const REQUIRE_BANNER =
  "import { createRequire as __needleworkCreateRequire } from 'node:module';\n" +
  'const require = __needleworkCreateRequire(import.meta.url);';

const dist = path.join(ROOT, 'dist');
await rm(dist, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/cli/main.ts', 'src/ec/codec/rs-coding-task.ts', 'src/storage/index-load-task.ts'],
  outbase: 'src',
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: REQUIRE_BANNER },
  // Not minified, and it marks where each source file starts; names stay the source's except
  // where two modules share one (then suffixed: send2). No keepNames: it wraps every closure a
  // request creates in a call that sets its name, ~4% of the 1 KB write's CPU. No source map:
  // node's test coverage follows a linked one into the server processes the tests start, and
  // fails on it.
  logLevel: 'warning',
});
await writeFile(path.join(dist, '.built'), '');
