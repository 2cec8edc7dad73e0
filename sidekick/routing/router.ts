import { Registry } from 'prom-client';
import { meetsMinimum, type Alert, type Priority } from '../../contract/index.js';
import type { Output } from '../../outputs/output.js';
import { TEST_RULE } from '../ingest/enrich.js';
import { DedupMetrics, Deduplicator, type DedupSettings, type SummarySink } from '../delivery/dedup.js';

/**
 * One output instance and the alerts it wants. Several routes may share an output type (two Slack
 * channels); `name` is what queues, metrics and dead letters are keyed by.
 */
export interface Route {
  name: string;
  output: Output;
  /** falcosidekick's `minimumpriority`; undefined sends every priority. */
  minimumPriority?: Priority;
  /** A `match:` expression compiled to a predicate over the alert; undefined matches everything. */
  match?: (alert: Alert) => boolean;
  /** `dedup:` settings; undefined delivers every alert. */
  dedup?: DedupSettings;
}

/** What the router needs besides its routes when some of them de-duplicate. */
export interface RouterOptions {
  /** Registry for the de-duplication counters (the sidekick's metrics registry). */
  registry?: Registry;
}

/**
 * Chooses, for each alert, the output instances it is delivered to: by priority, `match:` expression,
 * and, for outputs with `dedup`, whether it repeats an alert delivered within the window.
 */
export class Router {
  readonly routes: readonly Route[];
  private readonly dedup = new Map<string, Deduplicator>();
  private sink: SummarySink | undefined;

  constructor(routes: readonly Route[], options: RouterOptions = {}) {
    const seen = new Set<string>();
    for (const route of routes) {
      if (seen.has(route.name)) throw new Error(`duplicate output name '${route.name}'`);
      seen.add(route.name);
    }
    this.routes = routes;
    const withDedup = routes.filter((route) => route.dedup !== undefined);
    if (withDedup.length > 0) {
      const metrics = new DedupMetrics(options.registry ?? new Registry());
      for (const route of withDedup) {
        this.dedup.set(route.name, new Deduplicator(route.name, route.dedup as DedupSettings, metrics, () => this.sink));
      }
    }
  }

  /** Where summaries of held repeats go when a window closes (the outbox). */
  onSummary(sink: SummarySink): void {
    this.sink = sink;
  }

  /** Closes every de-duplication window now, queueing the summaries (before shutdown). */
  flushDedup(): void {
    for (const dedup of this.dedup.values()) dedup.flush();
  }

  /** Names of the outputs `alert` goes to. The self-test alert goes everywhere, as in falcosidekick. */
  targets(alert: Alert): string[] {
    if (alert.rule === TEST_RULE) return this.routes.map((r) => r.name);
    const names: string[] = [];
    for (const route of this.routes) {
      if (route.minimumPriority !== undefined && !meetsMinimum(alert.priority, route.minimumPriority)) continue;
      if (route.match && !route.match(alert)) continue;
      const dedup = this.dedup.get(route.name);
      if (dedup && !dedup.admit(alert)) continue;
      names.push(route.name);
    }
    return names;
  }
}
