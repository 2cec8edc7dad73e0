import type { Alert } from '../../contract/index.js';
import type { DeliveryResult, Output, SendContext } from '../output.js';
import { repeatResult } from '../results.js';
import type { SlackOutput } from './output.js';

/** Rate-limit settings; `slack.ratelimit` and `slack.digest` map onto them. */
export interface SlackRateLimitOptions {
  /** Messages per second per destination; Slack allows about one. */
  perSecond: number;
  /** Post a digest for a batch of more than one alert; off: batches of one only. */
  digest: boolean;
  /** Largest backlog one digest stands for. */
  maxDigestBatch?: number;
  /** Clock in milliseconds (tests pin it). */
  now?: () => number;
  /** Next free slot per destination; shared process-wide by default so two instances posting to one channel share it. */
  slots?: Map<string, number>;
}

const SHARED_SLOTS = new Map<string, number>();

/**
 * The Slack-specific rate limit, as a wrapper the delivery layer applies around a `SlackOutput`:
 * at most `perSecond` messages per destination. A send that comes too early is answered `deferred`
 * with the wait as `retryAfterMs` (nothing is dropped: the alerts stay queued, and no attempt is used). When the delivery layer
 * hands over a batch of several alerts — a backlog built up behind the limit — they go out as ONE
 * digest message ("rule X fired 312 times on host Y in the last 58 s") and are all acknowledged by
 * it. A 429 from Slack pushes the destination's next slot back by its `Retry-After`.
 */
export function withSlackRateLimit(output: SlackOutput, options: SlackRateLimitOptions): Output {
  const now = options.now ?? Date.now;
  const slots = options.slots ?? SHARED_SLOTS;
  const interval = options.perSecond > 0 ? 1000 / options.perSecond : 0;
  const key = output.destination;
  return {
    type: output.type,
    name: output.name,
    maxBatch: options.digest ? (options.maxDigestBatch ?? 1000) : 1,
    async send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]> {
      const start = now();
      const free = slots.get(key) ?? 0;
      if (start < free) {
        return repeatResult({ status: 'deferred', reason: 'Slack rate limit for this destination', retryAfterMs: Math.ceil(free - start) }, alerts.length);
      }
      slots.set(key, start + interval);
      const results = alerts.length === 1 ? await output.send(alerts, context) : repeatResult(await output.sendDigest(alerts, context), alerts.length);
      const throttled = results.find((r) => r.status === 'retryable' && r.retryAfterMs !== undefined);
      if (throttled?.status === 'retryable' && throttled.retryAfterMs !== undefined) {
        slots.set(key, Math.max(slots.get(key) ?? 0, start + throttled.retryAfterMs));
      }
      return results;
    },
    close: () => output.close(),
  };
}
