// glog's severities, in increasing order, and how -stderrthreshold names them. A line of one
// severity goes to its own log file and to every lower one's (an ERROR line is in the ERROR,
// WARNING and INFO files), as upstream writes them.

export const SEVERITIES = ['INFO', 'WARNING', 'ERROR', 'FATAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Index in SEVERITIES: INFO 0 .. FATAL 3, the numbers -stderrthreshold also accepts. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The letter that starts a text line: I, W, E or F. */
export function severityLetter(severity: Severity): string {
  return severity[0]!;
}

/**
 * -stderrthreshold's value, as glog's severity.Set reads it: a name in any case, else a number
 * (Go's strconv.Atoi; numbers past FATAL mean no line reaches stderr by severity alone).
 * Throws Go's parse error text for anything else.
 */
export function parseStderrThreshold(text: string): number {
  const byName = SEVERITIES.indexOf(text.toUpperCase() as Severity);
  if (byName >= 0) return byName;
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number.parseInt(text, 10);
}
