import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../common/config/index.js';
import { routesFromConfig } from '../../../sidekick/index.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { startSlackServer, type SlackPosted, type SlackServer } from '../../support/peers/slack-server.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, type RunningSidekick } from '../sidekick/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'saker-routing-'));
let sidekick: RunningSidekick | undefined;
const peers: (SlackServer | HttpPeer)[] = [];

afterEach(async () => {
  await sidekick?.stop();
  sidekick = undefined;
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});
afterAll(removeDataDirs);

/** The rule of a message as the Slack output laid it out (the `rule` field of its attachment). */
function ruleOf(message: SlackPosted): string {
  const attachments = message.payload.attachments as { fields: { title: string; value: string }[] }[];
  return attachments[0]?.fields.find((field) => field.title === 'rule')?.value ?? '';
}

const alert = (rule: string, priority: string, namespace: string) => ({
  ...FALCO_ALERT,
  rule,
  priority,
  output_fields: { ...FALCO_ALERT.output_fields, 'k8s.ns.name': namespace },
});

async function metricsText(running: RunningSidekick): Promise<string> {
  return (await fetch(`${running.url}/metrics`)).text();
}

describe('routing by match: expression', () => {
  it('sends prod alerts of Critical or worse to one Slack channel and the rest to another, each its own queue', async () => {
    const prodSlack = await startSlackServer();
    const restSlack = await startSlackServer();
    peers.push(prodSlack, restSlack);
    // falcosidekick's single `slack:` section is the default instance; the second channel is a named one.
    const file = join(dir, 'two-channels.yaml');
    writeFileSync(
      file,
      `slack:
  webhookurl: ${prodSlack.webhookUrl}
  ratelimit: 0
  match: k8s.ns.name = prod and priority >= Critical
outputs:
  instances:
    - type: slack
      name: slack-rest
      webhookurl: ${restSlack.webhookUrl}
      ratelimit: 0
      match: not (k8s.ns.name = prod and priority >= Critical)
`,
    );
    sidekick = await startSidekick({ file, routes: (config) => routesFromConfig(config) });
    const batch = [
      alert('prod critical', 'Critical', 'prod'),
      alert('prod emergency', 'emergency', 'prod'),
      alert('prod error', 'Error', 'prod'),
      alert('dev critical', 'Critical', 'dev'),
      alert('no namespace', 'Alert', 'kube-system'),
    ];
    expect((await sidekick.post('/batch', batch)).status).toBe(200);

    await until('both channels received their alerts', () => prodSlack.posted.length === 2 && restSlack.posted.length === 3);
    expect(prodSlack.posted.map(ruleOf).sort()).toEqual(['prod critical', 'prod emergency']);
    expect(restSlack.posted.map(ruleOf).sort()).toEqual(['dev critical', 'no namespace', 'prod error']);

    // Each instance is its own output: delivery counters and queues are labelled by its name.
    const metrics = await metricsText(sidekick);
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="slack",status="ok"} 2');
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="slack-rest",status="ok"} 3');
  });

  it('keeps dead letters per instance: a failing channel does not hold back the other', async () => {
    const good = await startSlackServer();
    const broken = await startSlackServer();
    peers.push(good, broken);
    // Slack answers a webhook for a deleted channel with a 4xx: a permanent failure.
    broken.script({ status: 404, body: 'channel_not_found' });
    const file = join(dir, 'dead-letters.yaml');
    writeFileSync(
      file,
      `outputs:
  instances:
    - {type: slack, name: slack-good, webhookurl: "${good.webhookUrl}", ratelimit: 0}
    - {type: slack, name: slack-broken, webhookurl: "${broken.webhookUrl}", ratelimit: 0, match: "tags contains mitre"}
`,
    );
    sidekick = await startSidekick({ file, routes: (config) => routesFromConfig(config) });
    expect((await sidekick.post('/', FALCO_ALERT)).status).toBe(200);
    await until('the good channel got the alert', () => good.posted.length === 1);

    await until('the broken channel dead-lettered it', async () => {
      const response = await fetch(`${sidekick?.url}/api/v1/deadletters?output=slack-broken`);
      return ((await response.json()) as { total: number }).total === 1;
    });
    const goodLetters = (await (await fetch(`${sidekick.url}/api/v1/deadletters?output=slack-good`)).json()) as { total: number };
    expect(goodLetters.total).toBe(0);
    const metrics = await metricsText(sidekick);
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="slack-broken",status="deadlettered"} 1');
    expect(metrics).toContain('saker_sidekick_deliveries_total{output="slack-good",status="ok"} 1');
  });

  it('routes on output_fields[...]: dotted Falco fields and custom fields, a missing field matching nothing', async () => {
    const staging = await startHttpPeer(() => ({ status: 200 }));
    const missing = await startHttpPeer(() => ({ status: 200 }));
    peers.push(staging, missing);
    const file = join(dir, 'output-fields.yaml');
    writeFileSync(
      file,
      `customfields:
  cluster: eu-1
outputs:
  instances:
    - type: webhook
      name: hook-staging
      address: ${staging.url}/hook
      match: output_fields[k8s.ns.name] in (prod, staging) and output_fields[cluster] = eu-1 and priority >= Critical
    - type: webhook
      name: hook-no-pod
      address: ${missing.url}/hook
      match: output_fields[k8s.pod.name] = web or not output_fields[k8s.pod.name] exists
`,
    );
    sidekick = await startSidekick({ file, routes: (config) => routesFromConfig(config) });
    const batch = [alert('staging critical', 'Critical', 'staging'), alert('staging error', 'Error', 'staging'), alert('dev critical', 'Critical', 'dev')];
    expect((await sidekick.post('/batch', batch)).status).toBe(200);

    // No alert has k8s.pod.name: the first check is false for all, `not … exists` true for all.
    await until('the webhooks received their alerts', () => staging.requests.length === 1 && missing.requests.length === 3);
    const rules = (peer: HttpPeer) => peer.requests.map((r) => (JSON.parse(r.body) as { rule: string }).rule).sort();
    expect(rules(staging)).toEqual(['staging critical']);
    expect(rules(missing)).toEqual(['dev critical', 'staging critical', 'staging error']);
  });

  it('stops start-up on a malformed output_fields[...], naming the key and the column', () => {
    const file = join(dir, 'bad-output-fields.yaml');
    writeFileSync(
      file,
      `outputs:
  instances:
    - type: webhook
      name: hook
      address: http://127.0.0.1:9/hook
      match: priority >= Error and output_fields[proc.name = bash
`,
    );
    let problems: { path: string; origin: string; message: string }[] = [];
    try {
      routesFromConfig(loadConfig({ file, env: {} }));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      { path: 'outputs.instances.0.match', origin: `${file}:6:7`, message: expect.stringMatching(/invalid match expression: unexpected blank in output_fields\[…\].*column 46/) },
    ]);
  });
});
