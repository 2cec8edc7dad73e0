import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAuditFile } from '../../../detector/sources/k8s-audit/index.js';
import type { JsonObject } from '../../../detector/sources/json-event.js';
import { FIXTURES, expectedRules, startAlertPipeline } from './pipeline.js';
import { eventList, post, removeTempDirs, startTestWebhook } from './support.js';

afterAll(() => removeTempDirs());

/**
 * End to end over real sockets: audit EventLists POSTed to the webhook → its events() → the official
 * k8s_audit_rules.yaml through the Engine and FIELD_TABLES → the detector's emit link → a sidekick →
 * its webhook output, where the alerts are checked.
 */
describe('k8s audit webhook → official rules → sidekick', () => {
  it('delivers exactly the alerts the fixtures are written to raise, and none for the benign ones', async () => {
    const expected = expectedRules('k8s-audit');
    const docs: JsonObject[] = [];
    for (const file of Object.keys(expected)) {
      for await (const event of readAuditFile(join(FIXTURES, 'k8s-audit', file))) docs.push(event.doc);
    }
    const wanted = Object.values(expected).flat().sort();
    expect(new Set(wanted).size).toBeGreaterThanOrEqual(10);

    const pipeline = await startAlertPipeline('k8s_audit', 'k8s_audit_rules.yaml');
    const { webhook } = await startTestWebhook({ token: 'audit-token' });
    const consuming = pipeline.consume(webhook.events());
    try {
      // As the API server's batching backend sends them: EventLists of a few events each.
      for (let i = 0; i < docs.length; i += 4) {
        const reply = await post(webhook.url, eventList(docs.slice(i, i + 4)), { headers: { authorization: 'Bearer audit-token' } });
        expect(reply).toMatchObject({ status: 200, body: { accepted: Math.min(4, docs.length - i), skipped: 0 } });
      }
      const alerts = await pipeline.delivered(wanted.length);
      expect(alerts.map((a) => a.rule).sort()).toEqual(wanted);
      for (const alert of alerts) {
        expect(alert).toMatchObject({ source: 'k8s_audit', hostname: 'test-node', uuid: expect.any(String) });
        expect(alert.output_fields).toHaveProperty('evt.time');
      }
      const privileged = alerts.find((a) => a.rule === 'Create Privileged Pod');
      expect(privileged?.output_fields).toMatchObject({ 'ka.user.name': 'kubernetes-admin' });
      expect(webhook.stats()).toMatchObject({ accepted: docs.length, queued: 0 });
    } finally {
      await webhook.close();
      await consuming;
      await pipeline.close();
    }
  });
});
