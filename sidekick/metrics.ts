import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Alert } from '../contract/index.js';
import type { QueueStats } from './outbox/store.js';

/** Prometheus label names falcosidekick accepts for custom fields. */
const LABEL_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Labels of falcosidekick's `falco_events`, before the custom-field labels. */
const FALCO_EVENT_LABELS = ['hostname', 'rule', 'priority', 'source', 'k8s_ns_name', 'k8s_pod_name'] as const;

/** A string output field, or '' (a label value). */
function stringField(alert: Alert, name: string): string {
  const value = alert.output_fields[name];
  return typeof value === 'string' ? value : '';
}

/** Why an ingest request was rejected; the `reason` label of `saker_sidekick_inputs_total`. */
export type RejectReason =
  | 'invalid'
  | 'bad_json'
  | 'too_large'
  | 'media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'outbox_full'
  | 'store_unavailable'
  | 'shutting_down';

/** What happened to one delivery attempt; the `status` label of `saker_sidekick_deliveries_total`. */
export type DeliveryStatus = 'ok' | 'deferred' | 'retried' | 'failed' | 'deadlettered';

/**
 * The sidekick's Prometheus metrics, in a registry of its own so several sidekicks (tests) can live in
 * one process. Queue depth and age are read from the outbox when scraped, so they are never stale.
 */
export class SidekickMetrics {
  readonly registry = new Registry();
  private readonly inputs: Counter<'status' | 'reason'>;
  private readonly alertCounter: Counter<'rule' | 'priority' | 'source'>;
  private readonly commits: Counter;
  private readonly groupRequests: Histogram;
  private readonly deliveries: Counter<'output' | 'status'>;
  private readonly latency: Histogram<'output'>;
  // falcosidekick's own series, so existing dashboards and alerts keep working unchanged.
  private readonly compatInputs: Counter<'source' | 'status'>;
  private readonly compatEvents: Counter<string>;
  private readonly compatOutputs: Counter<'destination' | 'status'>;
  private readonly customLabels: [label: string, value: string][];

  /** `customFields` become labels of `falco_events`, as in falcosidekick (invalid label names are skipped). */
  constructor(queueStats: () => QueueStats[], now: () => number = Date.now, customFields: Record<string, string> = {}) {
    const registers = [this.registry];
    this.customLabels = Object.entries(customFields).filter(
      ([name]) => LABEL_NAME.test(name) && !(FALCO_EVENT_LABELS as readonly string[]).includes(name),
    );
    this.compatInputs = new Counter({
      name: 'falcosidekick_inputs',
      help: 'falcosidekick compatible: ingest requests by source and status (accepted, rejected).',
      labelNames: ['source', 'status'],
      registers,
    });
    this.compatEvents = new Counter({
      name: 'falco_events',
      help: 'falcosidekick compatible: accepted alerts by hostname, rule, priority, source, namespace, pod and custom fields.',
      labelNames: [...FALCO_EVENT_LABELS, ...this.customLabels.map(([name]) => name)],
      registers,
    });
    this.compatOutputs = new Counter({
      name: 'falcosidekick_outputs',
      help: 'falcosidekick compatible: delivery attempts by destination and status (ok, error).',
      labelNames: ['destination', 'status'],
      registers,
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'saker_sidekick_' });
    this.inputs = new Counter({
      name: 'saker_sidekick_inputs_total',
      help: 'Ingest outcomes: alerts accepted, and requests rejected by reason.',
      labelNames: ['status', 'reason'],
      registers,
    });
    this.alertCounter = new Counter({
      name: 'saker_sidekick_alerts_total',
      help: 'Accepted alerts by rule, priority and source.',
      labelNames: ['rule', 'priority', 'source'],
      registers,
    });
    this.commits = new Counter({
      name: 'saker_sidekick_ingest_commits_total',
      help: 'Outbox transactions written by ingest; requests arriving together share one (group commit).',
      registers,
    });
    this.groupRequests = new Histogram({
      name: 'saker_sidekick_ingest_group_requests',
      help: 'Ingest requests (HTTP or gRPC batches) committed together in one outbox transaction.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    this.deliveries = new Counter({
      name: 'saker_sidekick_deliveries_total',
      help: 'Delivery outcomes per output: ok, deferred (held back by the output\'s own rate limit, no attempt used), retried (will be retried), failed (permanent error), deadlettered.',
      labelNames: ['output', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'saker_sidekick_delivery_duration_seconds',
      help: 'Duration of one delivery attempt (a batch) per output.',
      labelNames: ['output'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const statsGauge = (name: string, help: string, value: (s: QueueStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['output'],
        registers,
        collect() {
          this.reset();
          for (const stats of queueStats()) this.set({ output: stats.output }, value(stats));
        },
      });
    statsGauge('saker_sidekick_queue_depth', 'Deliveries pending on disk per output.', (s) => s.depth);
    statsGauge('saker_sidekick_queue_oldest_age_seconds', 'Age of the oldest pending delivery per output.', (s) =>
      Math.max(0, (now() - s.oldestAt) / 1000),
    );
  }

  /**
   * `requests` ingest requests accepted (one by default), carrying `alerts` alerts in all. Ingest counts
   * a commit's requests at once: prom-client hashes and checks the labels on every increment.
   */
  accepted(alerts: number, requests = 1): void {
    this.inputs.inc({ status: 'accepted', reason: '' }, alerts);
    this.compatInputs.inc({ source: 'requests', status: 'accepted' }, requests);
  }

  /** One ingest request rejected. */
  rejected(reason: RejectReason): void {
    this.inputs.inc({ status: 'rejected', reason });
    this.compatInputs.inc({ source: 'requests', status: 'rejected' });
  }

  /** One accepted alert (see `alerts`). */
  alert(alert: Alert): void {
    this.alerts([alert]);
  }

  /**
   * Accepted alerts, counted by rule/priority/source and by falcosidekick's `falco_events` labels. A
   * group of alerts mostly repeats a few label sets, so each distinct set is counted once with its
   * total: prom-client hashes the labels on every increment.
   */
  alerts(alerts: readonly Alert[]): void {
    const own = new Map<string, { labels: { rule: string; priority: string; source: string }; n: number }>();
    const compat = new Map<string, { labels: Record<string, string>; n: number }>();
    for (const alert of alerts) {
      const ownKey = `${alert.rule}\u0000${alert.priority}\u0000${alert.source}`;
      const seen = own.get(ownKey);
      if (seen) seen.n++;
      else own.set(ownKey, { labels: { rule: alert.rule, priority: alert.priority, source: alert.source }, n: 1 });

      const hostname = alert.hostname || 'unknown';
      const namespace = stringField(alert, 'k8s.ns.name');
      const pod = stringField(alert, 'k8s.pod.name');
      const compatKey = `${ownKey}\u0000${hostname}\u0000${namespace}\u0000${pod}`;
      const counted = compat.get(compatKey);
      if (counted) {
        counted.n++;
        continue;
      }
      const labels: Record<string, string> = {
        hostname,
        rule: alert.rule,
        priority: alert.priority,
        source: alert.source,
        k8s_ns_name: namespace,
        k8s_pod_name: pod,
      };
      for (const [name, value] of this.customLabels) labels[name] = value;
      compat.set(compatKey, { labels, n: 1 });
    }
    for (const { labels, n } of own.values()) this.alertCounter.inc(labels, n);
    for (const { labels, n } of compat.values()) this.compatEvents.inc(labels, n);
  }

  /** One outbox transaction written by ingest, holding `requests` requests (group commit). */
  committed(requests: number): void {
    this.commits.inc();
    this.groupRequests.observe(requests);
  }

  delivery(output: string, status: DeliveryStatus, count = 1): void {
    if (count <= 0) return;
    this.deliveries.inc({ output, status }, count);
    if (status === 'ok' || status === 'retried' || status === 'failed') {
      this.compatOutputs.inc({ destination: output, status: status === 'ok' ? 'ok' : 'error' }, count);
    }
  }

  observeLatency(output: string, seconds: number): void {
    this.latency.observe({ output }, seconds);
  }
}
