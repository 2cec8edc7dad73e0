import { parseIncomingAlert, stringifyJson, timeOrderedUuid, type Alert } from '../../contract/index.js';
import type { Logger } from '../../common/logger.js';
import type { Outbox, OutboxEntry } from '../outbox/store.js';
import type { Router } from '../routing/router.js';
import type { RejectReason, SidekickMetrics } from '../metrics.js';
import { SIDEKICK_ERRORS, type ErrorBody, type RequestProblem } from '../errors.js';
import type { Enricher } from './enrich.js';
import { GroupCommit } from './group-commit.js';

/** What ingest made of a request body. */
export type AcceptResult =
  | { ok: true; alerts: Alert[] }
  | { ok: false; status: 400 | 503; reason: RejectReason; body: ErrorBody; retryAfterSeconds?: number };

/** Receives the outcome of one request; called once, synchronously for a rejected body, else after the commit. */
export type AcceptCallback = (result: AcceptResult) => void;

/** What ingest needs from the rest of the sidekick. */
export interface IngestDeps {
  enrich: Enricher;
  router: Router;
  outbox: Outbox;
  /** Wakes the delivery queues of these outputs. */
  notify: (outputs: Iterable<string>) => void;
  /**
   * Sees every accepted batch once it is on disk, with each alert's JSON (the gRPC `falco.outputs`
   * stream listens here).
   */
  published?: (alerts: readonly Alert[], jsons: readonly string[]) => void;
  metrics: SidekickMetrics;
  /** Most deliveries the outbox may hold (`outbox.maxpending`). */
  maxPending: number;
  log: Logger;
  now?: () => number;
  /** Most alerts one outbox transaction takes before a group is cut (default `MAX_GROUP_ALERTS`). */
  maxGroupAlerts?: number;
}

/**
 * Largest group of alerts written in one transaction: enough for a poll's worth of requests at full
 * rate (32 connections × a 50-alert batch), small enough that one commit stays a few milliseconds.
 */
export const MAX_GROUP_ALERTS = 2000;

/** One request that passed validation, waiting for its group's commit. */
interface Staged {
  alerts: Alert[];
  entries: OutboxEntry[];
  /** Deliveries it adds to the outbox. */
  owed: number;
  done: AcceptCallback;
}

/**
 * Validates, enriches, routes and stores alerts. Nothing is acknowledged unless it is on disk: a
 * request's alerts are committed to the outbox, together with those of the requests that arrived in
 * the same turn of the event loop (group commit), and only then is the caller answered. Each request
 * is all or nothing, so a client can simply resend a rejected one; a failed commit rejects every
 * request of its group and none of another group.
 */
export class Ingest {
  private readonly now: () => number;
  private readonly group: GroupCommit<Staged>;

  constructor(private readonly deps: IngestDeps) {
    this.now = deps.now ?? Date.now;
    this.group = new GroupCommit((staged) => this.commit(staged), deps.maxGroupAlerts ?? MAX_GROUP_ALERTS);
  }

  /** `values` are decoded JSON alerts; `locate` maps an index to its JSON pointer in the request body. */
  accept(values: readonly unknown[], locate: (index: number) => string): Promise<AcceptResult> {
    return new Promise((resolve) => this.submit(values, locate, resolve));
  }

  /**
   * `accept` for callers that must answer in order without a promise turn (the gRPC stream): `done`
   * runs synchronously for a body rejected on sight, else inside the commit of its group.
   */
  submit(values: readonly unknown[], locate: (index: number) => string, done: AcceptCallback): void {
    const problems: RequestProblem[] = [];
    const alerts: Alert[] = [];
    for (let index = 0; index < values.length; index++) {
      const parsed = parseIncomingAlert(values[index]);
      if (!parsed.ok) {
        for (const p of parsed.problems) problems.push({ path: `${locate(index)}${p.path === '/' ? '' : p.path}` || '/', message: p.message });
        continue;
      }
      const alert = this.deps.enrich(parsed.alert);
      // Time-ordered (UUIDv7): each insert appends to the outbox's and the alert store's uuid indexes
      // instead of dirtying a random page of them; still a standard UUID string to every consumer.
      alert.uuid = timeOrderedUuid();
      alerts.push(alert);
    }
    if (problems.length > 0) {
      done(this.reject(400, 'invalid', { code: SIDEKICK_ERRORS.INVALID, message: 'the request body is not a valid Falco alert', problems }));
      return;
    }
    let owed = 0;
    // One call for the whole request: de-duplication windows it changes are saved in one transaction.
    const targets = this.deps.router.targetsAll(alerts);
    const entries = alerts.map((alert, i) => {
      const outputs = targets[i] ?? [];
      owed += outputs.length;
      return { alert, outputs };
    });
    this.group.add({ alerts, entries, owed, done }, Math.max(1, alerts.length));
  }

  /** Commits what is staged now, answering its requests (before shutdown: nothing staged is left behind). */
  flush(): void {
    this.group.flush();
  }

  /** Counts a rejection that happened before `accept` (bad JSON, media type, size, auth). */
  rejected(reason: RejectReason): void {
    this.deps.metrics.rejected(reason);
  }

  /** One group: the requests that fit the outbox's bound, in arrival order, in one transaction. */
  private commit(group: readonly Staged[]): void {
    const { outbox, metrics } = this.deps;
    const pendingBefore = outbox.pendingCount;
    let room = this.deps.maxPending - pendingBefore;
    const admitted: Staged[] = [];
    for (const staged of group) {
      if (staged.owed > 0 && staged.owed > room) {
        staged.done(
          this.reject(
            503,
            'outbox_full',
            { code: SIDEKICK_ERRORS.OUTBOX_FULL, message: `the outbox holds ${pendingBefore} pending deliveries, its limit` },
            1,
          ),
        );
        continue;
      }
      room -= staged.owed;
      admitted.push(staged);
    }
    if (admitted.length === 0) return;

    // Each alert's JSON is written once, here, for the outbox and for whoever `published` feeds:
    // serialising a 1–2 KB alert is one of the larger costs of accepting it.
    const jsonForAll = this.deps.published !== undefined;
    for (const staged of admitted) {
      for (const entry of staged.entries) if (jsonForAll || entry.outputs.length > 0) entry.json = stringifyJson(entry.alert);
    }
    try {
      outbox.accept(
        admitted.length === 1 ? (admitted[0] as Staged).entries : admitted.flatMap((s) => s.entries),
        this.now(),
      );
    } catch (error) {
      this.deps.log.error({ err: error, requests: admitted.length }, 'cannot write accepted alerts to the outbox');
      for (const staged of admitted) {
        staged.done(this.reject(503, 'store_unavailable', { code: SIDEKICK_ERRORS.STORE_UNAVAILABLE, message: 'the outbox cannot be written' }, 5));
      }
      return;
    }

    metrics.committed(admitted.length);
    const touched = new Set<string>();
    const alerts: Alert[] = [];
    const jsons: string[] = [];
    for (const staged of admitted) {
      for (const { alert, outputs, json } of staged.entries) {
        alerts.push(alert);
        if (json !== undefined) jsons.push(json);
        for (const output of outputs) touched.add(output);
      }
    }
    metrics.accepted(alerts.length, admitted.length);
    metrics.alerts(alerts);
    if (touched.size > 0) this.deps.notify(touched);
    this.deps.published?.(alerts, jsons);
    for (const staged of admitted) staged.done({ ok: true, alerts: staged.alerts });
  }

  private reject(status: 400 | 503, reason: RejectReason, body: ErrorBody, retryAfterSeconds?: number): AcceptResult {
    this.deps.metrics.rejected(reason);
    return { ok: false, status, reason, body, retryAfterSeconds };
  }
}
