import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/program.js';
import { parseJson, type Alert } from '../../../contract/index.js';

const RULES = new URL('../../../../shared/falco-rules/', import.meta.url).pathname;
const CAPTURES = new URL('../../../../shared/captures/', import.meta.url).pathname;
const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

async function replay(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['replay', ...argv], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  const alerts = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => parseJson(line) as Alert);
  return { code, alerts, stderr, stdout };
}

describe('saker replay', () => {
  it('replays a real .scap capture against the official rules and prints Falco JSON alerts', async () => {
    const { code, alerts, stderr } = await replay(
      '-i',
      `${CAPTURES}test_ipv6_client.scap`,
      '-r',
      `${RULES}falco_rules.yaml`,
      `${RULES}falco-incubating_rules.yaml`,
      `${RULES}falco-sandbox_rules.yaml`,
    );
    expect(code).toBe(0);
    expect(alerts.map((a) => a.rule)).toEqual(['Unexpected UDP Traffic', 'Unexpected UDP Traffic']);
    expect(alerts[0]).toMatchObject({ priority: 'Notice', source: 'syscall', output_fields: { 'proc.name': expect.any(String) } });
    expect(alerts[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(stderr).toMatch(/^replay: 35 events, 2 alerts; skipped: none/);
  });

  it('prints evt.time as the exact integer nanoseconds of the alert time, as Falco does', async () => {
    const { alerts, stdout } = await replay(
      '-i',
      `${CAPTURES}test_ipv6_client.scap`,
      '-r',
      `${RULES}falco_rules.yaml`,
      `${RULES}falco-incubating_rules.yaml`,
      `${RULES}falco-sandbox_rules.yaml`,
    );
    const first = alerts[0];
    if (!first) throw new Error('no alert');
    const [whole, fraction] = first.time.slice(0, -1).split('.') as [string, string];
    const nanos = BigInt(Date.parse(`${whole}Z`)) * 1_000_000n + BigInt(fraction);
    expect(first.output_fields['evt.time']).toBe(nanos);
    expect(stdout).toContain(`"evt.time":${nanos}`);
  });

  it('replays Kubernetes audit events with Saker’s own k8s rules by default', async () => {
    const { code, alerts } = await replay('-s', 'k8s_audit', '-i', `${FIXTURES}k8s-audit/create-privileged-pod.json`);
    expect(code).toBe(0);
    expect(alerts.map((a) => a.rule)).toEqual(['K8s privileged pod created']);
    expect(alerts[0]?.output).toContain('Privileged pod created (user=');
  });

  it('replays CloudTrail records', async () => {
    const { code, stderr } = await replay('-s', 'aws_cloudtrail', '-i', `${FIXTURES}cloudtrail`, '-r', `${RULES}aws_cloudtrail_rules.yaml`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^replay: \d+ events, [1-9]\d* alerts/);
  });

  it('exits 1 with Falco’s report when the rules do not load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-replay-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- rule: broken\n  desc: d\n  condition: proc.name = \n  output: o\n  priority: WARNING\n');
    const { code, stderr } = await replay('-i', `${CAPTURES}syscall.scap`, '-r', bad);
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid');
  });

  it('exits 2 on an unknown source or rule_matching mode', async () => {
    expect((await replay('-s', 'nope', '-i', 'x')).code).toBe(2);
    expect((await replay('-i', 'x', '--rule-matching', 'some')).code).toBe(2);
  });

  it('exits 1 with a clear message on a file that is not a capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-replay-'));
    const junk = join(dir, 'junk.scap');
    writeFileSync(junk, 'definitely not a capture');
    const { code, stderr } = await replay('-i', junk);
    expect(code).toBe(1);
    expect(stderr).toMatch(/saker: .*(not a|capture)/i);
  });
});
