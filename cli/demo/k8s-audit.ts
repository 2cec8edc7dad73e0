/**
 * The Kubernetes half of `saker demo`: the sample audit events go to the detector's audit webhook
 * when one is listening, exactly as an API server would send them. Without one, the demo evaluates
 * them itself with the same engine, field tables and rules the detector uses, and posts the alerts
 * to the sidekick the way the detector would.
 */
import { join } from 'node:path';
import { SakerError } from '../../common/errors.js';
import { PACKAGE_ROOT } from '../../common/package-info.js';
import { stringifyJson, type Alert } from '../../contract/index.js';
import { Engine, formatLoadReport } from '../../detector/engine/index.js';
import { FIELD_TABLES } from '../../detector/fields/index.js';
import { parseAuditPayload } from '../../detector/sources/k8s-audit/index.js';
import type { JsonValue } from '../../detector/sources/json-event.js';
import type { DemoAuditSample } from './k8s-audit-events.js';

/** Saker's own Kubernetes audit rules, which the samples are written against. */
export const DEMO_K8S_RULES = join(PACKAGE_ROOT, 'rules', 'saker_k8s_audit_rules.yaml');

/** Where the samples went: the webhook, or evaluated here and posted to the sidekick (and why). */
export type AuditDelivery = { via: 'webhook'; url: string } | { via: 'in-process'; reason: string; alerts: Alert[] };

export interface AuditDeliveryOptions {
  /** The detector's audit webhook, e.g. http://127.0.0.1:9765/k8s-audit. */
  webhookUrl: string;
  /** Where in-process alerts go: the sidekick's ingest (detector.http_output.url). */
  sidekickUrl: string;
  /** Headers the sidekick's ingest needs (auth), if any. */
  sidekickHeaders: Record<string, string>;
  hostname: string;
}

/** The API server's webhook body: one EventList. */
function eventList(samples: readonly DemoAuditSample[]): Record<string, unknown> {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: samples.map((s) => s.event) };
}

/** POSTs the samples to the webhook; resolves to why not, or undefined once the webhook took them. */
async function postToWebhook(url: string, body: Record<string, unknown>): Promise<string | undefined> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return response.ok ? undefined : `the webhook at ${url} answered ${response.status}`;
  } catch (error) {
    return `no audit webhook at ${url} (${networkReason(error)})`;
  }
}

/** Evaluates the samples against Saker's k8s_audit rules, as the detector's audit source would. */
export function evaluateSamples(samples: readonly DemoAuditSample[], hostname: string): Alert[] {
  const engine = new Engine({ fieldTables: FIELD_TABLES, hostname, ruleMatching: 'first' });
  const result = engine.loadRules([DEMO_K8S_RULES]);
  if (!result.successful) throw new Error(`the Kubernetes audit rules do not load:\n${formatLoadReport(result)}`);
  const { events } = parseAuditPayload(eventList(samples) as JsonValue, { where: 'saker demo' });
  return events.flatMap((event, i) => engine.process('k8s_audit', { ...event, num: i + 1 }));
}

/** The sidekick could not take the demo's alerts: not running, or refusing them. */
export const DEMO_SIDEKICK_ERROR = 'SAKER_ERR_DEMO_SIDEKICK';

/** The cause's code (ECONNREFUSED, …) of a failed fetch, for a message a user can act on. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}

/** Posts one alert to the sidekick's ingest (`POST /` with Falco's JSON, as Falco's http_output). */
async function postAlert(url: string, headers: Record<string, string>, alert: Alert): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: stringifyJson(alert) });
  } catch (error) {
    throw new SakerError(DEMO_SIDEKICK_ERROR, `cannot reach the sidekick at ${url} (${networkReason(error)}): is Saker running? (detector.http_output.url says where it listens)`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) throw new SakerError(DEMO_SIDEKICK_ERROR, `the sidekick at ${url} refused the alert "${alert.rule}": ${response.status} ${text}`);
}

/** Sends the samples: to the webhook if it takes them, otherwise evaluated here and posted as alerts. */
export async function deliverAuditSamples(samples: readonly DemoAuditSample[], options: AuditDeliveryOptions): Promise<AuditDelivery> {
  const reason = await postToWebhook(options.webhookUrl, eventList(samples));
  if (reason === undefined) return { via: 'webhook', url: options.webhookUrl };
  const alerts = evaluateSamples(samples, options.hostname);
  for (const alert of alerts) await postAlert(options.sidekickUrl, options.sidekickHeaders, alert);
  return { via: 'in-process', reason, alerts };
}
