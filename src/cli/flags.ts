// The command line, as one import for the commands and tests: the Go-style flag set, Go's value
// syntax, the `weed volume` flag table and its resolution into a VolumeConfig live in their own
// modules (see volume-config.ts for how `weed volume` flags are read and where we differ).
export {
  type FlagKind,
  type FlagSpec,
  type FlagValue,
  FlagError,
  HelpRequestedError,
  commandFlagDefaults,
  parseCommandFlags,
} from './flag-set.ts';
export { parseGoBool, parseGoDurationMs, parseGoInt } from '../gocompat/go-value-syntax.ts';
export { OFFSET_BYTES_ENV, usage } from './volume-flag-table.ts';
export { type VolumeFolder, parseMinFreeSpace } from './volume-folders.ts';
export {
  type FlagDeps,
  type IndexKind,
  type ReadMode,
  type VolumeConfig,
  detectHostAddress,
  joinHostPort,
  parseVolumeFlags,
} from './volume-config.ts';
export type { MinFreeSpace } from '../store/min-free-space.ts';
