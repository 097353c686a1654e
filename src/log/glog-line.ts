// The text glog writes: a line is `Lmmdd hh:mm:ss.uuuuuu where] message` in local time, and each
// log file opens with a four-line header. Where upstream puts the Go file and line, we put the
// component that logged (heartbeat, scrubber, ...), which names the service as the file did.
import os from 'node:os';
import { type Severity, severityLetter } from './severity.ts';

const two = (n: number): string => String(n).padStart(2, '0');

/** Wall-clock time in microseconds: Date's milliseconds with the monotonic clock's sub-millisecond digits. */
export function nowMicros(): number {
  return Date.now() * 1000 + (Math.floor(performance.now() * 1000) % 1000);
}

/** One text line, newline-terminated as glog ends every line. */
export function formatTextLine(severity: Severity, timeMicros: number, where: string, message: string): string {
  const date = new Date(Math.floor(timeMicros / 1000));
  const micros = String(timeMicros % 1_000_000).padStart(6, '0');
  const stamp =
    `${severityLetter(severity)}${two(date.getMonth() + 1)}${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${micros}`;
  const body = message.endsWith('\n') ? message : `${message}\n`;
  return `${stamp} ${where}] ${body}`;
}

/** RFC 3339 in UTC with microseconds, the `ts` of a JSON line (Go writes RFC3339Nano). */
export function isoMicros(timeMicros: number): string {
  const iso = new Date(Math.floor(timeMicros / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(timeMicros % 1000).padStart(3, '0')}Z`;
}

/** `2026/12/03 10:51:06`, Go's "2006/01/02 15:04:05" layout in local time. */
function headerDate(date: Date): string {
  return (
    `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}

/** The lines that open every text log file, as glog's rotateFile writes them. */
export function fileHeader(createdAt: Date, host: string): string {
  return (
    `Log file created at: ${headerDate(createdAt)}\n` +
    `Running on machine: ${host}\n` +
    `Binary: Built with node ${process.version} for ${os.platform()}/${os.arch()}\n` +
    'Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu component] msg\n'
  );
}
