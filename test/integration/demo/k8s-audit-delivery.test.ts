import { afterEach, describe, expect, it } from 'vitest';
import { runDemo } from '../../../cli/demo/index.js';
import { DEMO_SIDEKICK_ERROR } from '../../../cli/demo/k8s-audit.js';
import { loadConfig } from '../../../common/config/index.js';
import type { Alert } from '../../../contract/index.js';
import { parseAuditPayload } from '../../../detector/sources/k8s-audit/index.js';
import type { JsonValue } from '../../../detector/sources/json-event.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';

/*
 * Where `saker demo` sends its Kubernetes audit events: to an audit webhook as the API server's
 * webhook backend would, or, when none takes them, evaluated by the demo and posted to the sidekick
 * as alerts. Both peers are local HTTP servers that record what they get.
 */

const K8S_RULES = ['K8s privileged pod created', 'K8s exec or attach into a pod', 'K8s binding to cluster-admin created', 'K8s secret read by an unexpected user'];
const peers: HttpPeer[] = [];

async function peer(status: number): Promise<HttpPeer> {
  const started = await startHttpPeer(() => ({ status, headers: { 'content-type': 'application/json' }, body: '{}' }));
  peers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function demoAgainst(webhook: HttpPeer, sidekick: HttpPeer, env: Record<string, string> = {}): Promise<string> {
  const config = loadConfig({ env: { DETECTOR_HTTP_OUTPUT_URL: `${sidekick.url}/`, ...env } });
  let printed = '';
  await runDemo(config, { k8sAuditUrl: `${webhook.url}/k8s-audit`, waitMs: 0, actions: [] }, (text) => (printed += text));
  return printed;
}

describe('saker demo’s Kubernetes audit events', () => {
  it('go to a listening audit webhook as one EventList the k8s audit source parses whole, and not to the sidekick', async () => {
    const webhook = await peer(200);
    const sidekick = await peer(200);
    const printed = await demoAgainst(webhook, sidekick);

    expect(webhook.requests).toHaveLength(1);
    const [request] = webhook.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/k8s-audit' });
    expect(request?.headers['content-type']).toBe('application/json');
    const parsed = parseAuditPayload(JSON.parse(request?.body ?? 'null') as JsonValue);
    expect(parsed.skips).toEqual([]);
    expect(parsed.events).toHaveLength(K8S_RULES.length);
    expect(sidekick.requests).toEqual([]);
    expect(printed).toContain(`posted to the detector's audit webhook at ${webhook.url}/k8s-audit`);
  });

  it('are evaluated with Saker’s k8s_audit rules and posted to the sidekick, with its ingest token, when the webhook refuses them', async () => {
    const webhook = await peer(404);
    const sidekick = await peer(200);
    const printed = await demoAgainst(webhook, sidekick, { AUTH_BEARERTOKEN: 'demo-token' });

    expect(printed).toContain(`the webhook at ${webhook.url}/k8s-audit answered 404`);
    expect(sidekick.requests.map((r) => r.path)).toEqual(K8S_RULES.map(() => '/'));
    for (const request of sidekick.requests) expect(request.headers.authorization).toBe('Bearer demo-token');
    const alerts = sidekick.requests.map((r) => JSON.parse(r.body) as Alert);
    expect(alerts.map((a) => a.rule)).toEqual(K8S_RULES);
    for (const alert of alerts) {
      expect(alert.source).toBe('k8s_audit');
      // Every sample names the made-up namespace (or a binding into it), so it is never mistaken for a real cluster's.
      expect(JSON.stringify(alert.output_fields)).toContain('saker-demo');
    }
  });

  it('are evaluated here when nothing listens at the webhook address, and a sidekick that refuses them is an error naming it', async () => {
    const webhook = await peer(200);
    await webhook.close();
    peers.splice(peers.indexOf(webhook), 1);
    const sidekick = await peer(503);
    const failure = demoAgainst(webhook, sidekick);
    await expect(failure).rejects.toMatchObject({ code: DEMO_SIDEKICK_ERROR });
    await expect(failure).rejects.toThrow(`the sidekick at ${sidekick.url}/ refused the alert "K8s privileged pod created": 503`);
  });

  it('fail with a clear error, not a crash, when no sidekick listens', async () => {
    const webhook = await peer(404);
    const sidekick = await peer(200);
    await sidekick.close();
    peers.splice(peers.indexOf(sidekick), 1);
    const failure = demoAgainst(webhook, sidekick);
    await expect(failure).rejects.toMatchObject({ code: DEMO_SIDEKICK_ERROR });
    await expect(failure).rejects.toThrow(`cannot reach the sidekick at ${sidekick.url}/ (ECONNREFUSED): is Saker running?`);
  });
});
