import { parsePriority } from '../contract/index.js';
import { SakerError } from '../common/errors.js';
import type { Output } from '../outputs/output.js';
import type { AlertStore } from './alert-store/index.js';
import type { Route } from './routing/router.js';

/**
 * The web UI as one more output: alerts reach its store through the outbox like any destination, so
 * they are durable, counted and retried the same way.
 */
export function webuiRoute(store: AlertStore, minimumPriority: string): Route {
  const output: Output = {
    type: 'webui',
    name: 'webui',
    maxBatch: 500,
    async send(alerts) {
      store.insert(alerts);
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
