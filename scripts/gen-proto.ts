// Regenerates the TypeScript types for our proto/ files with proto-loader-gen-types (the
// generator of @grpc/proto-loader, which is also what loads the protos at run time), so the
// generated types describe exactly the objects the loader hands our handlers and clients.
//
//   npm run gen:proto             rewrites src/proto/generated/
//   node --import tsx scripts/gen-proto.ts <dir>   writes elsewhere (the freshness test does)
import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PROTO_DECODING, PROTO_FILES } from '../src/proto/loader.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GENERATED_DIR = path.join(REPO_ROOT, 'src/proto/generated');

/** The generator's flags, derived from the loader's own options so types and run time agree. */
export function generatorArgs(outDir: string): string[] {
  const args: string[] = [];
  if (PROTO_DECODING.keepCase) args.push('--keepCase');
  args.push(`--longs=${PROTO_DECODING.longs.name}`, `--enums=${PROTO_DECODING.enums.name}`);
  if (PROTO_DECODING.defaults) args.push('--defaults');
  if (PROTO_DECODING.oneofs) args.push('--oneofs');
  // Relative include dir and cwd = repo root: the "Original file:" comments stay machine-independent.
  args.push('--grpcLib=@grpc/grpc-js', '--importFileExtension=.ts', '-I', 'proto', '-O', outDir, ...PROTO_FILES);
  return args;
}

/** Replaces `outDir` with freshly generated types. */
export async function generateProtoTypes(outDir: string = GENERATED_DIR): Promise<void> {
  const bin = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await promisify(execFile)(process.execPath, [bin, ...generatorArgs(outDir)], { cwd: REPO_ROOT });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] !== undefined ? path.resolve(process.argv[2]) : GENERATED_DIR;
  await generateProtoTypes(outDir);
  console.log(`generated proto types into ${path.relative(process.cwd(), outDir) || '.'}`);
}
