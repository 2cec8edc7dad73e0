import { meetsMinimum, type Alert, type Priority } from '../../contract/index.js';
import type { Output } from '../../outputs/output.js';
import { TEST_RULE } from '../ingest/enrich.js';

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
}

/** Chooses, for each alert, the output instances it is delivered to. */
export class Router {
  readonly routes: readonly Route[];

  constructor(routes: readonly Route[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      if (seen.has(route.name)) throw new Error(`duplicate output name '${route.name}'`);
      seen.add(route.name);
    }
    this.routes = routes;
  }

  /** Names of the outputs `alert` goes to. The self-test alert goes everywhere, as in falcosidekick. */
  targets(alert: Alert): string[] {
    if (alert.rule === TEST_RULE) return this.routes.map((r) => r.name);
    return this.routes
      .filter((r) => (r.minimumPriority === undefined || meetsMinimum(alert.priority, r.minimumPriority)) && (r.match?.(alert) ?? true))
      .map((r) => r.name);
  }
}
