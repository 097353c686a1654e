// Running upstream's `weed benchmark` and reading its report: shared by the benchmarks.
import { spawn } from 'node:child_process';

const RUN_TIMEOUT_MS = 10 * 60_000;

export function runWeed(command: string, argv: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${argv.join(' ')} exited ${code}:\n${out.slice(-2000)}`));
    });
  });
}

/** One section of `weed benchmark` output: requests/s, failures and the 99% line. */
export function parseSection(output: string, title: string): { rps: number; p99Ms: number; failed: number } {
  const start = output.indexOf(`------------ ${title} ----------`);
  if (start < 0) throw new Error(`no "${title}" section in:\n${output.slice(-2000)}`);
  const section = output.slice(start);
  const rps = /Requests per second:\s+([\d.]+)/.exec(section);
  const failed = /Failed requests:\s+(\d+)/.exec(section);
  const p99 = /\n\s+99%\s+([\d.]+) ms/.exec(section);
  if (rps === null || failed === null || p99 === null)
    throw new Error(`unparsable "${title}" section:\n${section.slice(0, 2000)}`);
  return { rps: Number(rps[1]), failed: Number(failed[1]), p99Ms: Number(p99[1]) };
}
