import { randomUUID } from 'node:crypto';
import { parseIncomingAlert, type Alert } from '../../contract/index.js';
import type { Logger } from '../../common/logger.js';
import type { Outbox } from '../outbox/store.js';
import type { Router } from '../routing/router.js';
import type { RejectReason, SidekickMetrics } from '../metrics.js';
import { SIDEKICK_ERRORS, type ErrorBody, type RequestProblem } from '../errors.js';
import type { Enricher } from './enrich.js';

/** What ingest made of a request body. */
export type AcceptResult =
  | { ok: true; alerts: Alert[] }
  | { ok: false; status: 400 | 503; reason: RejectReason; body: ErrorBody; retryAfterSeconds?: number };

/** What ingest needs from the rest of the sidekick. */
export interface IngestDeps {
  enrich: Enricher;
  router: Router;
  outbox: Outbox;
  /** Wakes the delivery queues of these outputs. */
  notify: (outputs: Iterable<string>) => void;
  /** Sees every accepted batch once it is on disk (the gRPC `falco.outputs` stream listens here). */
  published?: (alerts: readonly Alert[]) => void;
  metrics: SidekickMetrics;
  /** Most deliveries the outbox may hold (`outbox.maxpending`). */
  maxPending: number;
  log: Logger;
  now?: () => number;
}

/**
 * Validates, enriches, routes and stores alerts. Nothing is acknowledged unless it is on disk: the
 * alerts of one request are written in one transaction, and only then does the caller answer 2xx.
 * A batch is all or nothing, so a client can simply resend a rejected batch.
 */
export class Ingest {
  private readonly now: () => number;

  constructor(private readonly deps: IngestDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** `values` are decoded JSON alerts; `locate` maps an index to its JSON pointer in the request body. */
  accept(values: readonly unknown[], locate: (index: number) => string): AcceptResult {
    const { metrics } = this.deps;
    const problems: RequestProblem[] = [];
    const alerts: Alert[] = [];
    values.forEach((value, index) => {
      const parsed = parseIncomingAlert(value);
      if (!parsed.ok) {
        for (const p of parsed.problems) problems.push({ path: `${locate(index)}${p.path === '/' ? '' : p.path}` || '/', message: p.message });
        return;
      }
      alerts.push({ ...this.deps.enrich(parsed.alert), uuid: randomUUID() });
    });
    if (problems.length > 0) {
      return this.reject(400, 'invalid', { code: SIDEKICK_ERRORS.INVALID, message: 'the request body is not a valid Falco alert', problems });
    }

    const entries = alerts.map((alert) => ({ alert, outputs: this.deps.router.targets(alert) }));
    const owed = entries.reduce((sum, e) => sum + e.outputs.length, 0);
    if (owed > 0 && this.deps.outbox.pendingCount + owed > this.deps.maxPending) {
      return this.reject(
        503,
        'outbox_full',
        { code: SIDEKICK_ERRORS.OUTBOX_FULL, message: `the outbox holds ${this.deps.outbox.pendingCount} pending deliveries, its limit` },
        1,
      );
    }
    try {
      this.deps.outbox.accept(entries, this.now());
    } catch (error) {
      this.deps.log.error({ err: error }, 'cannot write accepted alerts to the outbox');
      return this.reject(503, 'store_unavailable', { code: SIDEKICK_ERRORS.STORE_UNAVAILABLE, message: 'the outbox cannot be written' }, 5);
    }

    metrics.accepted(alerts.length);
    const touched = new Set<string>();
    for (const { alert, outputs } of entries) {
      metrics.alert(alert);
      for (const output of outputs) touched.add(output);
    }
    this.deps.notify(touched);
    this.deps.published?.(alerts);
    return { ok: true, alerts };
  }

  /** Counts a rejection that happened before `accept` (bad JSON, media type, size, auth). */
  rejected(reason: RejectReason): void {
    this.deps.metrics.rejected(reason);
  }

  private reject(status: 400 | 503, reason: RejectReason, body: ErrorBody, retryAfterSeconds?: number): AcceptResult {
    this.deps.metrics.rejected(reason);
    return { ok: false, status, reason, body, retryAfterSeconds };
  }
}
