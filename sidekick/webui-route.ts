import { parsePriority } from '../contract/index.js';
import { SakerError } from '../common/errors.js';
import type { Output } from '../outputs/output.js';
import type { AlertStore } from './alert-store/index.js';
import type { Route } from './routing/router.js';

/**
 * How long the web UI's delivery queue gathers alerts before writing them (see `Output.lingerMs`).
 * The store's cost is mostly per transaction (its commit, the full-text index's new segment, the
 * outbox's settle): CPU per alert is ~390 µs alone, ~110 µs in tens and ~45 µs in hundreds
 * (`AlertStore.insert`, measured at batch sizes 1/10/100–500). Without a linger the queue takes
 * whatever arrived since its last send, often 5–15 alerts under load. 100 ms makes that 500 (a full
 * batch) at 5,000 alerts/s and 100 at 1,000/s, and is well under what a person notices on a page
 * that updates live; an alert on an idle sidekick still shows up within it.
 */
export const WEBUI_LINGER_MS = 100;

/**
 * The web UI as one more output: alerts reach its store through the outbox like any destination, so
 * they are durable, counted and retried the same way. `send` commits them before it returns, so the
 * outbox settles a row only once the store holds it.
 */
export function webuiRoute(store: AlertStore, minimumPriority: string): Route {
  const output: Output = {
    type: 'webui',
    name: 'webui',
    maxBatch: 500,
    lingerMs: WEBUI_LINGER_MS,
    async send(alerts, context) {
      // The outbox's copy of each alert's JSON is the body the store keeps: no second serialisation.
      store.insert(alerts, context.json);
      return alerts.map(() => ({ status: 'ok' }) as const);
    },
    async close() {},
  };
  const minimum = minimumPriority === '' ? undefined : parsePriority(minimumPriority);
  if (minimumPriority !== '' && minimum === undefined) {
    throw new SakerError('SAKER_ERR_CONFIG_INVALID', `webui.minimumpriority: unknown priority '${minimumPriority}'`);
  }
  return { name: 'webui', output, minimumPriority: minimum };
}
