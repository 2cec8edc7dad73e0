import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { Engine } from '../../../detector/engine/index.js';
import type { FieldTable } from '../../../detector/engine/index.js';
import { CLOUDTRAIL_FIELDS } from '../../../detector/fields/cloudtrail/index.js';
import { K8S_AUDIT_FIELDS } from '../../../detector/fields/k8s_audit/index.js';
import { readCloudtrail } from '../../../detector/sources/cloudtrail/index.js';
import type { JsonEvent } from '../../../detector/sources/json-event.js';
import { readAuditFile } from '../../../detector/sources/k8s-audit/index.js';

const RULES = fileURLToPath(new URL('../../../../shared/falco-rules/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function engineFor(source: string, table: FieldTable<JsonEvent>, rulesFile: string): Engine {
  // Every matching rule reports (rule_matching: all), so a fixture's expectation is the exact set.
  const engine = new Engine({ fieldTables: new Map([[source, table as FieldTable<unknown>]]), ruleMatching: 'all', hostname: 'test' });
  const result = engine.loadRules([RULES + rulesFile]);
  expect(result.toJSON()).toMatchObject({ falco_load_results: [{ successful: true, errors: [] }] });
  return engine;
}

function expectations(dir: string): [file: string, rules: string[]][] {
  const manifest = JSON.parse(readFileSync(FIXTURES + dir + '/expected.json', 'utf8')) as { expected: Record<string, string[]> };
  return Object.entries(manifest.expected);
}

async function alertsFor(engine: Engine, source: string, events: AsyncIterable<JsonEvent>): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let seen = 0;
  for await (const event of events) {
    if (++seen > 100) throw new Error('fixture has too many events');
    alerts.push(...engine.process(source, event));
  }
  return alerts;
}

describe('the official k8s_audit_rules.yaml on hand-written audit events', () => {
  const engine = engineFor('k8s_audit', K8S_AUDIT_FIELDS, 'k8s_audit_rules.yaml');
  const cases = expectations('k8s-audit');

  it.each(cases)('%s fires exactly %j', async (file, rules) => {
    const alerts = await alertsFor(engine, 'k8s_audit', readAuditFile(FIXTURES + 'k8s-audit/' + file));
    expect(alerts.map((a) => a.rule).sort()).toEqual([...rules].sort());
    for (const alert of alerts) expect(alert.source).toBe('k8s_audit');
  });

  it('fires at least ten distinct rules and has benign events that stay silent', () => {
    expect(new Set(cases.flatMap(([, rules]) => rules)).size).toBeGreaterThanOrEqual(10);
    expect(cases.filter(([, rules]) => rules.length === 0).length).toBeGreaterThanOrEqual(5);
  });
});

describe('the official aws_cloudtrail_rules.yaml on hand-written CloudTrail records', () => {
  const engine = engineFor('aws_cloudtrail', CLOUDTRAIL_FIELDS, 'aws_cloudtrail_rules.yaml');
  const cases = expectations('cloudtrail');

  it.each(cases)('%s fires exactly %j', async (file, rules) => {
    const alerts = await alertsFor(engine, 'aws_cloudtrail', readCloudtrail(FIXTURES + 'cloudtrail/' + file));
    expect(alerts.map((a) => a.rule).sort()).toEqual([...rules].sort());
  });

  it('fires at least ten distinct rules and has benign records that stay silent', () => {
    expect(new Set(cases.flatMap(([, rules]) => rules)).size).toBeGreaterThanOrEqual(10);
    expect(cases.filter(([, rules]) => rules.length === 0).length).toBeGreaterThanOrEqual(5);
  });

  it('reads the whole fixture directory in one pass', async () => {
    const alerts = await alertsFor(engine, 'aws_cloudtrail', readCloudtrail(FIXTURES + 'cloudtrail'));
    expect(alerts.length).toBe(cases.reduce((n, [, rules]) => n + rules.length, 0));
  });
});
