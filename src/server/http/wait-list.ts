// A bounded wait for "something was given back": callers park on a set of wake functions and
// resume when woken, when the timeout passes, or when their request is aborted.

/** Parks until one of `waiters` is called, `timeoutMs` passes, or `signal` aborts. */
export function waitForWake(waiters: Set<() => void>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      waiters.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, timeoutMs);
    signal?.addEventListener('abort', wake, { once: true });
    waiters.add(wake);
  });
}
