// Where each line goes, as glog's output(): with -logtostderr only to stderr; otherwise to the
// log files, and to stderr as well with -alsologtostderr (upstream's default) or when the line's
// severity reaches -stderrthreshold (ERROR by default). A log file that cannot be created or
// written stops file logging for good, with glog's notice on stderr, and the line still shows
// there; stderr logging goes on.
//
// The sink is pino's destination: it receives each record as one JSON line. In JSON mode
// (-log_json) that line is what is written; in text mode it is rewritten as a glog text line.
import { formatTextLine } from './glog-line.ts';
import type { LogFiles } from './log-files.ts';
import { SEVERITIES, type Severity, severityRank } from './severity.ts';

export interface TextOutput {
  write(text: string): void;
}

export interface GlogSinkSettings {
  readonly toStderr: boolean;
  readonly alsoToStderr: boolean;
  /** A severity rank (INFO 0 .. FATAL 3); lines at or above it reach stderr. */
  readonly stderrThreshold: number;
  readonly json: boolean;
  /** What a text line names when its logger has no component. */
  readonly program: string;
}

/** The fields the process logger puts in every record (see process-logger.ts). */
interface Record {
  level: Severity;
  time?: number;
  component?: string;
  msg?: string;
}

export class GlogSink {
  private filesFailed = false;

  constructor(
    private readonly settings: GlogSinkSettings,
    private readonly stderr: TextOutput,
    /** null with -logtostderr: no file is ever created. */
    private readonly files: LogFiles | null,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** pino's destination interface: one serialized record, newline-terminated. */
  write(line: string): void {
    const record = JSON.parse(line) as Record;
    const severity = SEVERITIES.includes(record.level) ? record.level : 'INFO';
    const text = this.settings.json
      ? line
      : formatTextLine(
          severity,
          record.time ?? this.nowMs() * 1000,
          record.component ?? this.settings.program,
          record.msg ?? '',
        );
    this.output(severity, text);
  }

  private output(severity: Severity, text: string): void {
    const s = this.settings;
    if (s.toStderr || this.files === null) {
      this.stderr.write(text);
      return;
    }
    if (s.alsoToStderr || severityRank(severity) >= s.stderrThreshold) this.stderr.write(text);
    if (this.filesFailed) return;
    try {
      this.files.write(severity, text, this.nowMs());
    } catch (err) {
      // glog's exit(): the line must appear somewhere, then file logging ends (weed no longer exits).
      this.filesFailed = true;
      this.stderr.write(text);
      this.stderr.write(`glog: exiting because of error: ${(err as Error).message}\n`);
    }
  }
}
