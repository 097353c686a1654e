// A Go-style flag set, as upstream's weed/util/fla9 (a fork of Go's `flag`) parses: `-name=value`,
// `-name value`, one or two dashes, bare booleans never take the next argument, parsing stops at
// `--`, and an `-options <file>` of `name=value` lines. Also FlagSet.PrintDefaults' usage format.
// The tables of flags are the commands'; this holds only the mechanics every command shares.
import { goQuote, parseGoBool, parseGoDurationMs, parseGoInt } from '../gocompat/go-value-syntax.ts';

export class FlagError extends Error {
  /** The flag the problem is about, without dashes, when there is one. */
  readonly flagName: string | undefined;

  constructor(message: string, flagName?: string) {
    super(message);
    this.name = 'FlagError';
    this.flagName = flagName;
  }
}

/** `-h` / `-help`: the caller should print usage() and exit (Go exits with status 2 here too). */
export class HelpRequestedError extends FlagError {
  constructor() {
    super('flag: help requested');
    this.name = 'HelpRequestedError';
  }
}

export type FlagKind = 'string' | 'int' | 'bool' | 'duration';
export type FlagValue = string | number | boolean;

export interface FlagSpec {
  readonly kind: FlagKind;
  /** Default as text, the way Go's Flag.DefValue holds it (converted like a command-line value). */
  readonly defaultText: string;
  readonly usage: string;
  readonly ignored?: boolean;
  /** The type word usage prints when Go's differs from the kind's (`value` for a flag.Var, `uint`). */
  readonly typeName?: string;
}

/** A command-line value of a flag's kind (durations in milliseconds); throws Go's parse error. */
export function convertFlagValue(kind: FlagKind, text: string): FlagValue {
  switch (kind) {
    case 'string':
      return text;
    case 'int':
      return parseGoInt(text);
    case 'bool':
      return parseGoBool(text);
    case 'duration':
      return parseGoDurationMs(text);
  }
}

export interface ParseState {
  readonly values: Map<string, FlagValue>;
  /** Flags set explicitly (Go's FlagSet.actual): command line first, then the -options file. */
  readonly explicit: Set<string>;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function positionalError(arg: string): FlagError {
  return new FlagError(
    `unexpected argument ${goQuote(arg)}: weed volume takes no positional arguments ` +
      `(flags are -name=value or -name value; "volume" may only come first, after any global flags)`,
  );
}

/** One FlagSet.Parse pass over `args` (Go's parseOne loop), failing on anything Go would reject or drop. */
export function parseArgs(args: readonly string[], table: ReadonlyMap<string, FlagSpec>, state: ParseState): void {
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg.length < 2 || arg[0] !== '-') throw positionalError(arg);
    let dashes = 1;
    if (arg[1] === '-') {
      dashes = 2;
      if (arg.length === 2) {
        // `--` ends the flags; Go would hand the rest to the command, which ignores it.
        if (i + 1 < args.length) throw positionalError(args[i + 1]!);
        return;
      }
    }
    let name = arg.slice(dashes);
    if (name === '' || name[0] === '-' || name[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    i += 1;
    let inlineValue: string | undefined;
    const equals = name.indexOf('=');
    if (equals > 0) {
      inlineValue = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    const spec = table.get(name);
    if (spec === undefined) {
      if (name === 'help' || name === 'h') throw new HelpRequestedError();
      throw new FlagError(`flag provided but not defined: -${name}`, name);
    }
    if (spec.kind === 'bool') {
      // A bare boolean never consumes the next argument.
      const text = inlineValue ?? 'true';
      try {
        state.values.set(name, parseGoBool(text));
      } catch (err) {
        throw new FlagError(`invalid boolean value ${goQuote(text)} for -${name}: ${errorMessage(err)}`, name);
      }
    } else {
      let text = inlineValue;
      if (text === undefined) {
        // Like Go, the next argument is the value even if it starts with '-'.
        if (i >= args.length) throw new FlagError(`flag needs an argument: -${name}`, name);
        text = args[i]!;
        i += 1;
      }
      try {
        state.values.set(name, convertFlagValue(spec.kind, text));
      } catch (err) {
        throw new FlagError(`invalid value ${goQuote(text)} for flag -${name}: ${errorMessage(err)}`, name);
      }
    }
    state.explicit.add(name);
  }
}

/**
 * Split `[global flags] <word> [flags]`. Only splits when everything before the word is a
 * well-formed global flag; otherwise the whole argv is the command's (harness form, no subcommand).
 */
export function splitSubcommand(
  argv: readonly string[],
  word: string,
  globalFlags: ReadonlyMap<string, FlagSpec>,
): { globalArgs: readonly string[]; commandArgs: readonly string[] } | null {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === word) return { globalArgs: argv.slice(0, i), commandArgs: argv.slice(i + 1) };
    const match = /^--?([^-=][^=]*)(=.*)?$/.exec(arg);
    const spec = match ? globalFlags.get(match[1]!) : undefined;
    if (!match || !spec) return null;
    i += spec.kind === 'bool' || match[2] !== undefined ? 1 : 2;
  }
  return null;
}

/**
 * fla9's ParseFile: one `name=value`, `name value` or `name:value` per line (split at the first of
 * those three characters), `#` comments, a leading `-` dropped, unknown names ignored, and flags
 * already set on the command line win.
 */
export function applyOptionsFile(
  text: string,
  filePath: string,
  table: ReadonlyMap<string, FlagSpec>,
  state: ParseState,
): void {
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const separator = line.search(/[= :]/);
    let name = separator < 0 ? line : line.slice(0, separator).trim();
    let value = separator < 0 ? '' : line.slice(separator + 1).trim();
    if (name.startsWith('-')) name = name.slice(1);
    if (state.explicit.has(name) || name === 'options') continue;
    const spec = table.get(name);
    if (spec === undefined) continue;
    if (spec.kind === 'bool' && value === '') value = 'true';
    try {
      state.values.set(name, convertFlagValue(spec.kind, value));
    } catch (err) {
      throw new FlagError(
        `invalid value ${goQuote(value)} for configuration variable ${name} in ${filePath}: ${errorMessage(err)}`,
        name,
      );
    }
    state.explicit.add(name);
  }
}

/** Typed access to parsed values; a wrong kind is a bug in the caller's table, not user input. */
export class FlagValues {
  constructor(private readonly values: ReadonlyMap<string, FlagValue>) {}

  string(name: string): string {
    return this.typed(name, 'string') as string;
  }

  int(name: string): number {
    return this.typed(name, 'number') as number;
  }

  bool(name: string): boolean {
    return this.typed(name, 'boolean') as boolean;
  }

  private typed(name: string, type: 'string' | 'number' | 'boolean'): FlagValue {
    const value = this.values.get(name);
    if (typeof value !== type) throw new Error(`internal: flag ${name} has no ${type} value`);
    return value!;
  }
}

function typeName(kind: FlagKind): string {
  switch (kind) {
    case 'bool':
      return '';
    case 'int':
      return 'int';
    case 'duration':
      return 'duration';
    case 'string':
      return 'string';
  }
}

/** Go's isZeroValue, for the default texts our tables hold (a zero duration is Go's "0s"). */
const ZERO_DEFAULT_TEXTS: readonly string[] = ['', '0', 'false', '0s'];

/** A table's flags, sorted by name, in the format of FlagSet.PrintDefaults. */
export function printDefaults(table: ReadonlyMap<string, FlagSpec>): string {
  return [...table]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, spec]) => {
      const type = spec.typeName ?? typeName(spec.kind);
      const isZero = ZERO_DEFAULT_TEXTS.includes(spec.defaultText);
      const defaultNote = isZero
        ? ''
        : spec.kind === 'string'
          ? ` (default ${goQuote(spec.defaultText)})`
          : ` (default ${spec.defaultText})`;
      const ignoredNote = spec.ignored ? ' [accepted, ignored]' : '';
      return `  -${name}${type ? ` ${type}` : ''}\n    \t${spec.usage}${defaultNote}${ignoredNote}\n`;
    })
    .join('');
}

/** Another command's flags, parsed the way the volume flags are, with the table's defaults filled in. */
export function parseCommandFlags(
  args: readonly string[],
  table: ReadonlyMap<string, FlagSpec>,
): Map<string, FlagValue> {
  const state: ParseState = { values: new Map(), explicit: new Set() };
  parseArgs(args, table, state);
  for (const [name, spec] of table)
    if (!state.values.has(name)) state.values.set(name, convertFlagValue(spec.kind, spec.defaultText));
  return state.values;
}

/** Another command's flag list, in the format of FlagSet.PrintDefaults. */
export function commandFlagDefaults(table: ReadonlyMap<string, FlagSpec>): string {
  return printDefaults(table);
}
