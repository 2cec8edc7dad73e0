/** How long to wait before retrying. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Delay before the retry that follows attempt number `attempts` (1 = the first attempt failed):
 * exponential, capped, with "equal jitter" (half fixed, half random) so outputs recovering from an
 * outage are not hit by every queued alert at the same instant. A peer's `Retry-After` wins when it
 * asks for longer.
 */
export function retryDelay(policy: BackoffPolicy, attempts: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(retryAfterMs !== undefined && retryAfterMs > jittered ? retryAfterMs : jittered);
}
