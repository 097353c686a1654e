// Reading a tiered volume's super block while it loads. A store that does not answer must not
// hold up the server's start once per volume it holds: a read gives up after a timeout, and after
// one has, the same backend's other volumes skip the read for a while (upstream's
// remoteSuperBlockTimeout and remoteSuperBlockStallPeriod). The caller then loads the volume with
// what its `.vif` says, as upstream does ("maybe temporary network problem").

export const REMOTE_SUPER_BLOCK_TIMEOUT_MS = 10_000;
export const REMOTE_SUPER_BLOCK_STALL_MS = 60_000;

/** Backend name → until when its super block reads are skipped (ms since the epoch). */
const stalledUntilMs = new Map<string, number>();

export interface RemoteSuperBlockTiming {
  timeoutMs: number;
  stallMs: number;
}

const DEFAULT_TIMING: RemoteSuperBlockTiming = {
  timeoutMs: REMOTE_SUPER_BLOCK_TIMEOUT_MS,
  stallMs: REMOTE_SUPER_BLOCK_STALL_MS,
};

export async function readRemoteSuperBlock<T>(
  backendName: string,
  read: () => Promise<T>,
  timing: RemoteSuperBlockTiming = DEFAULT_TIMING,
): Promise<T> {
  const until = stalledUntilMs.get(backendName);
  if (until !== undefined && Date.now() < until)
    throw new Error(`backend ${backendName} stalled on a super block read, skipped`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stalledUntilMs.set(backendName, Date.now() + timing.stallMs);
      reject(new Error(`backend ${backendName} did not return the super block within ${timing.timeoutMs} ms`));
    }, timing.timeoutMs);
  });
  const reading = read();
  // A read that loses the race may still fail later; nobody is waiting for it then.
  reading.catch(() => {});
  try {
    const result = await Promise.race([reading, timedOut]);
    stalledUntilMs.delete(backendName);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Tests only: forget every stall. */
export function clearRemoteSuperBlockStallsForTest(): void {
  stalledUntilMs.clear();
}
