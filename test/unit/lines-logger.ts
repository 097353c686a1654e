// A Logger for tests that keeps each line's message, whatever its level, in a caller's array;
// `levelled` also keeps the level and fields, for tests of which level a line is written at.
import type { LogFields, Logger, VerboseLevel } from '../../src/log/logger.ts';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error' | `v${VerboseLevel}`;
  message: string;
  fields: LogFields;
}

export interface LinesLoggerOptions {
  levelled?: LoggedLine[];
  /** Lines past this many are dropped (long fuzz runs); default unbounded. */
  maxLines?: number;
}

/** Every line (verbose ones included) recorded; `messages` gets the message text only. */
export function linesLogger(messages: string[], options: LinesLoggerOptions = {}, bound: LogFields = {}): Logger {
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  const record = (level: LoggedLine['level'], message: string, fields: LogFields | undefined): void => {
    if (messages.length >= maxLines) return;
    messages.push(message);
    options.levelled?.push({ level, message, fields: { ...bound, ...fields } });
  };
  return {
    info: (message, fields) => record('info', message, fields),
    warn: (message, fields) => record('warn', message, fields),
    error: (message, fields) => record('error', message, fields),
    verbose: (level, message, fields) => record(`v${level}`, message, fields),
    isVerbose: () => true,
    child: (fields) => linesLogger(messages, options, { ...bound, ...fields }),
  };
}
