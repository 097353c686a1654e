// glog's -vmodule=pattern=N,...: a higher -v for some places only. Upstream matches the pattern
// against Go file names; here it is matched against the component a logger is named for
// (heartbeat, scrubber, store, http, ...), with the same pattern syntax (filepath.Match) and
// the same errors for a malformed list.

export interface ModulePattern {
  readonly pattern: string;
  readonly level: number;
}

const SYNTAX_ERROR = 'syntax error: expect comma-separated list of filename=N';

/** glog's moduleSpec.Set: empty items skipped, level 0 dropped, a negative level refused. */
export function parseVmodule(text: string): ModulePattern[] {
  const patterns: ModulePattern[] = [];
  for (const item of text.split(',')) {
    if (item === '') continue;
    const parts = item.split('=');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new Error(SYNTAX_ERROR);
    if (!/^[+-]?\d+$/.test(parts[1]!)) throw new Error(SYNTAX_ERROR);
    const level = Number.parseInt(parts[1]!, 10);
    if (level < 0) throw new Error('negative value for vmodule level');
    if (level === 0) continue;
    patterns.push({ pattern: parts[0]!, level });
  }
  return patterns;
}

/** filepath.Match's syntax as a regular expression: `*`, `?`, `[...]` (with `^` negation) and `\` escapes. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return /$^/; // Go: ErrBadPattern, which glog takes as no match
      const body = pattern.slice(i + 1, end);
      source += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The level the first matching pattern gives `component`, else 0 (glog's setV). */
export function moduleLevel(patterns: readonly ModulePattern[], component: string): number {
  for (const { pattern, level } of patterns) {
    const literal = !/[\\*?[\]]/.test(pattern);
    if (literal ? pattern === component : globToRegExp(pattern).test(component)) return level;
  }
  return 0;
}
