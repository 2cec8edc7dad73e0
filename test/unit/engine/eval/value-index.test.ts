import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../../detector/engine/condition/index.js';
import { compileCondition } from '../../../../detector/engine/eval/index.js';
import { Engine, type LoadedRule } from '../../../../detector/engine/index.js';
import { FIELD_TABLES } from '../../../../detector/fields/index.js';
import type { JsonEvent, JsonObject } from '../../../../detector/sources/json-event.js';
import { readAuditFile } from '../../../../detector/sources/k8s-audit/index.js';
import { pluginLikeEngine, pluginLikeTable, type PluginLikeEvent } from './plugin-source-support.js';

const guardsOf = (condition: string): Record<string, string[]> =>
  Object.fromEntries(compileCondition(parseCondition(condition), pluginLikeTable(false)).guards.map((g) => [g.field, [...g.values].sort()]));

describe('condition guards (values a field must have for the condition to hold)', () => {
  it('reads equality and in checks through and/or', () => {
    expect(guardsOf('p.verb = get')).toEqual({ 'p.verb': ['get'] });
    expect(guardsOf('p.verb in (get, list) and p.user = bob')).toEqual({ 'p.verb': ['get', 'list'], 'p.user': ['bob'] });
    expect(guardsOf('p.verb in (get, list) and (p.verb = list or p.verb = watch)')).toEqual({ 'p.verb': ['list'] });
    expect(guardsOf('(p.resource = pods and p.verb = create) or (p.resource = roles and p.user = x)')).toEqual({ 'p.resource': ['pods', 'roles'] });
    expect(guardsOf('p.verb = get and p.verb = list')).toEqual({ 'p.verb': [] });
  });

  it('reads nothing from what does not force a value', () => {
    expect(guardsOf('not p.verb = get')).toEqual({});
    expect(guardsOf('p.verb = get or p.user = bob')).toEqual({});
    expect(guardsOf('p.verb != get')).toEqual({});
    expect(guardsOf('p.verb startswith g')).toEqual({});
    expect(guardsOf('tolower(p.verb) = get')).toEqual({});
    expect(guardsOf('p.verb = val(p.user)')).toEqual({});
    expect(guardsOf('p.groups in (a, b)')).toEqual({});
    expect(guardsOf('p.verb exists')).toEqual({});
  });
});

describe('value index: the same alerts as evaluating every rule', () => {
  const RULES = [
    ['create pods', 'p.resource = pods and p.verb = create'],
    ['any by anonymous', 'p.user = anonymous'],
    ['delete roles', 'p.resource in (roles, clusterroles) and p.verb = delete'],
    ['pods or roles by x', '(p.resource = pods or p.resource = roles) and p.user = x'],
    ['not pods', 'not p.resource = pods'],
    ['get pods', 'p.resource = pods and p.verb = get'],
    ['list secrets', 'p.resource = secrets and p.verb = list'],
    ['never', 'p.resource = pods and p.resource = roles'],
  ] as const;

  const EVENTS: PluginLikeEvent[] = [
    { 'p.resource': 'pods', 'p.verb': 'create', 'p.user': 'x' },
    { 'p.resource': 'pods', 'p.verb': 'get', 'p.user': 'anonymous' },
    { 'p.resource': 'roles', 'p.verb': 'delete', 'p.user': 'x' },
    { 'p.resource': 'clusterroles', 'p.verb': 'delete', 'p.user': 'y' },
    { 'p.resource': 'secrets', 'p.verb': 'list' },
    { 'p.resource': 'nodes', 'p.verb': 'create', 'p.user': 'anonymous' },
    // No resource at all: every rule that needs one is skipped, the others still run.
    { 'p.verb': 'create', 'p.user': 'anonymous' },
    // A custom extractor handing several values for a plain field: any of them may match.
    { 'p.resource': ['nodes', 'pods'] as unknown as string, 'p.verb': 'create', 'p.user': 'x' },
    { 'p.resource': '', 'p.verb': 'get' },
  ];

  const reference = (rules: readonly LoadedRule[], event: unknown): string[] => rules.filter((r) => r.condition.matches(event)).map((r) => r.name);

  it('with rule_matching all and first', () => {
    const all = pluginLikeEngine(RULES, { ruleMatching: 'all' });
    const first = pluginLikeEngine(RULES, { ruleMatching: 'first' });
    for (const event of EVENTS) {
      const expected = reference(all.rules, event);
      expect([event, all.process('plugin_like', event).map((a) => a.rule)]).toEqual([event, expected]);
      expect([event, first.process('plugin_like', event).map((a) => a.rule)]).toEqual([event, expected.slice(0, 1)]);
    }
    // The index is what ran: `create pods` was found although it is not among the unguarded rules.
    expect(all.process('plugin_like', EVENTS[0] as PluginLikeEvent).map((a) => a.rule)).toContain('create pods');
  });

  it('with the official k8s audit rules, on every fixture event and on changed copies of them', async () => {
    const engine = new Engine({ fieldTables: FIELD_TABLES, hostname: 'test', ruleMatching: 'all' });
    const rulesFile = fileURLToPath(new URL('../../../../../shared/falco-rules/k8s_audit_rules.yaml', import.meta.url));
    expect(engine.loadRules([rulesFile]).successful).toBe(true);
    const dir = fileURLToPath(new URL('../../../fixtures/k8s-audit/', import.meta.url));
    const docs: JsonObject[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json')) {
      for await (const event of readAuditFile(join(dir, file))) docs.push(event.doc);
    }
    const variants = (doc: JsonObject): JsonObject[] => {
      const objectRef = (doc.objectRef ?? {}) as JsonObject;
      return [
        doc,
        { ...doc, verb: 'create' },
        { ...doc, verb: 'delete' },
        { ...doc, stage: 'ResponseStarted' },
        { ...doc, objectRef: { ...objectRef, resource: 'roles' } },
        { ...doc, objectRef: { ...objectRef, resource: 42 } },
        { ...doc, objectRef: { ...objectRef, subresource: 'exec' } },
        { ...doc, objectRef: {} },
        { ...doc, user: { username: 'system:anonymous' } },
      ];
    };
    let alerts = 0;
    let num = 0;
    for (const doc of docs) {
      for (const variant of variants(doc)) {
        const event: JsonEvent = { doc: variant, time: 1_795_341_600_000_000_000n, num: ++num };
        const expected = reference(engine.rules, event);
        expect([variant.auditID, engine.process('k8s_audit', event).map((a) => a.rule)]).toEqual([variant.auditID, expected]);
        alerts += expected.length;
      }
    }
    // The comparison covered firing events, not only silence.
    expect(alerts).toBeGreaterThan(docs.length);
  });
});
