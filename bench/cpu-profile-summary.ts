// The functions with the most self time in a V8 .cpuprofile (as `node --cpu-prof` writes it),
// as a share of the busy (non-idle) time, so profiles before and after a change compare directly.
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** function name, file (from dist/ or node_modules/ on) and line: one row of the summary. */
function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

const IDLE_FRAMES = new Set(['(idle)']);

export async function summarizeProfile(file: string, top: number): Promise<string> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    totalUs += us;
    if (IDLE_FRAMES.has(node.callFrame.functionName)) idleUs += us;
    const key = frameKey(node);
    selfUs.set(key, (selfUs.get(key) ?? 0) + us);
  });
  const busyUs = Math.max(1, totalUs - idleUs);
  const lines = [`busy ${(busyUs / 1000).toFixed(0)} ms of ${(totalUs / 1000).toFixed(0)} ms sampled`];
  const rows = [...selfUs].filter(([key]) => !IDLE_FRAMES.has(key.split(' ')[0] as string));
  rows.sort((a, b) => b[1] - a[1]);
  for (const [key, us] of rows.slice(0, top)) {
    lines.push(`${((100 * us) / busyUs).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  }
  return lines.join('\n');
}
