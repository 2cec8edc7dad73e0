/**
 * Runs `work` with a signal that aborts when `parent` aborts or once `ms` milliseconds have passed.
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: Node 20 may garbage-collect the timeout
 * signal inside the composite before it fires (nodejs/node#57736), and a request to a peer that never
 * answers then hangs forever. Here the timer is an ordinary one, held until the work settles.
 */
export async function withTimeout<T>(parent: AbortSignal, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  const follow = (): void => controller.abort(parent.reason);
  if (parent.aborted) follow();
  else parent.addEventListener('abort', follow, { once: true });
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', follow);
  }
}
