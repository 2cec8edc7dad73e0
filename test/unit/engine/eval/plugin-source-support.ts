/**
 * A small table of a plugin-like source (no event types, pure extractors, memoised) for the tests of
 * the per-event extraction memo and the value index. Events are plain objects keyed by field name;
 * every extraction is counted, so a test can tell a remembered value from a fresh one.
 */
import type { FieldSpec, FieldTable, FieldValue } from '../../../../detector/engine/fields.js';
import { Engine } from '../../../../detector/engine/index.js';

export type PluginLikeEvent = Record<string, FieldValue | undefined>;

export const extractions = new Map<string, number>();

function field(name: string, list = false): FieldSpec<PluginLikeEvent> {
  return {
    name,
    type: 'string',
    ...(list ? { list: true } : {}),
    arg: { kind: 'none' },
    description: name,
    bind: () => (event) => {
      extractions.set(name, (extractions.get(name) ?? 0) + 1);
      return event[name];
    },
  };
}

export function pluginLikeTable(memoize: boolean): FieldTable<PluginLikeEvent> {
  return {
    source: 'plugin_like',
    fields: new Map(['p.verb', 'p.resource', 'p.user', 'p.stage', 'p.name'].map((n) => [n, field(n)] as const).concat([['p.groups', field('p.groups', true)]])),
    eventTypeOf: () => undefined,
    timeOf: () => 1_700_000_000_000_000_000n,
    eventTypes: new Set(),
    memoize,
  };
}

/** Rules of the `plugin_like` source, one per `[name, condition]`. */
export function rulesYaml(rules: readonly (readonly [string, string])[]): string {
  return rules
    .map(([name, condition]) => `- rule: ${name}\n  desc: ${name}\n  condition: ${condition}\n  output: "${name} verb=%p.verb name=%p.name"\n  priority: WARNING\n  source: plugin_like\n`)
    .join('\n');
}

export function pluginLikeEngine(rules: readonly (readonly [string, string])[], options: { memoize?: boolean; ruleMatching?: 'first' | 'all' } = {}): Engine {
  const engine = new Engine({
    fieldTables: new Map([['plugin_like', pluginLikeTable(options.memoize ?? true) as FieldTable<unknown>]]),
    hostname: 'test',
    ruleMatching: options.ruleMatching ?? 'all',
  });
  const result = engine.loadRules([{ name: 'plugin-like.yaml', content: rulesYaml(rules) }]);
  if (!result.successful) throw new Error(JSON.stringify(result.toJSON()));
  return engine;
}
