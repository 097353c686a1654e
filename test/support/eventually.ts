// Waiting in tests for something another party does (a server, a client, a background job):
// poll until the check holds, and fail with what was awaited when it does not in time.

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_POLL_MS = 10;

export interface EventuallyOptions {
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Resolves with check()'s first answer that is neither undefined nor false (so a boolean check
 * resolves with true); rejects naming `what` after `timeoutMs`.
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: EventuallyOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** For Go peers and whole processes, which take seconds: poll less often, wait longer. */
export const PEER_PATIENCE: EventuallyOptions = { timeoutMs: 30_000, pollMs: 250 };
