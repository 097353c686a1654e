// Where the SeaweedFS test peers are: the version pinned in test/go/go.mod and the cache folder
// scripts/obtain-weed.sh builds into. The one place the parity runner, interop tests and
// benchmarks look them up.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = 'github.com/seaweedfs/seaweedfs';

/** The module version of the peers, e.g. v0.0.0-20261109003541-7506e5f91cd6. */
export function peerModuleVersion(): string {
  const goMod = readFileSync(path.join(ROOT, 'test', 'go', 'go.mod'), 'utf8');
  const match = new RegExp(`^(?:require\\s+)?\\s*${MODULE.replaceAll('.', '\\.')}\\s+(\\S+)`, 'm').exec(goMod);
  if (match?.[1] === undefined) throw new Error(`test/go/go.mod pins no version of ${MODULE}`);
  return match[1];
}

export function peerDir(): string {
  const cache = process.env.NEEDLEWORK_CACHE ?? path.join(os.homedir(), '.cache', 'needlework');
  return path.join(cache, `seaweedfs-${peerModuleVersion()}`);
}

/** WEED_BINARY, else the built peer; null when neither exists. */
export function weedBinary(): string | null {
  const candidate = process.env.WEED_BINARY ?? path.join(peerDir(), 'weed');
  return existsSync(candidate) ? candidate : null;
}

/** The compiled upstream test package (`go test -c`), or null when it was not built. */
export function upstreamTestBinary(pkg: string): string | null {
  const candidate = path.join(peerDir(), `${pkg}.test`);
  return existsSync(candidate) ? candidate : null;
}
