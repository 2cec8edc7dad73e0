import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SakerConfig } from '../../common/config/index.js';
import { HOST_ACTIONS, DemoSkip, type DemoScratch, type HostAction } from './host-actions.js';
import { demoAuditSamples } from './k8s-audit-events.js';
import { deliverAuditSamples } from './k8s-audit.js';
import { waitForRules } from './ui-check.js';
import { EMBEDDED_AUDIT_WEBHOOK } from '../all-in-one.js';

/** The detector's Kubernetes audit webhook, where an API server's audit backend posts. */
export const DEFAULT_K8S_AUDIT_URL = EMBEDDED_AUDIT_WEBHOOK;

/** Without the web UI check, how long the demo stays up before undoing what it left running. */
const UNCHECKED_GRACE_MS = 5_000;

export interface DemoOptions {
  k8sAuditUrl: string;
  /** How long to wait for the alerts to show in the web UI; 0 skips the check. */
  waitMs: number;
  /** The host actions to perform (all of them by default; tests may pick). */
  actions?: readonly HostAction[];
}

/** What the demo did: every rule it expects, and whether the web UI showed them all. */
export interface DemoResult {
  expected: string[];
  /** Expected rules without an alert in the web UI, or undefined when the UI was not checked. */
  missing?: string[];
}

/** The web UI's address as seen from this host. */
function uiUrl(config: SakerConfig): string | undefined {
  if (!config.webui.enabled) return undefined;
  const address = ['', '0.0.0.0', '::'].includes(config.webui.listenaddress) ? '127.0.0.1' : config.webui.listenaddress;
  return `http://${address.includes(':') ? `[${address}]` : address}:${config.webui.listenport}`;
}

/** Authorization the sidekick's ingest asks for, from the same config the sidekick reads. */
function ingestHeaders(config: SakerConfig): Record<string, string> {
  const { bearertoken, username, password } = config.auth;
  if (bearertoken) return { authorization: `Bearer ${bearertoken}` };
  if (username && password) return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  return {};
}

/**
 * `saker demo`: performs safe suspicious actions on this host and sends sample Kubernetes audit
 * events, printing each step and the rule it should trip, then checks the web UI for the alerts.
 * Writes only to a scratch folder and one scratch file it removes, and connects only to loopback.
 */
export async function runDemo(config: SakerConfig, options: DemoOptions, say: (text: string) => void): Promise<DemoResult> {
  const scratchDir = mkdtempSync(join(tmpdir(), 'saker-demo-'));
  const undo: (() => void)[] = [];
  try {
    const result = await demoSteps(config, options, say, { dir: scratchDir, tag: randomBytes(4).toString('hex'), atEnd: (step) => undo.push(step) });
    // Unchecked, what the actions left running (the terminal shell) stays up a moment for the detector.
    if (result.missing === undefined && undo.length > 0) await new Promise((resolve) => setTimeout(resolve, UNCHECKED_GRACE_MS));
    return result;
  } finally {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Undoing one step must not keep the others from being undone.
      }
    }
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

async function demoSteps(config: SakerConfig, options: DemoOptions, say: (text: string) => void, scratch: DemoScratch): Promise<DemoResult> {
  const startedMs = Date.now();
  const expected: string[] = [];
  let step = 0;
  say(`Saker demo: harmless actions on this host that Saker's rules report, and sample Kubernetes audit events.\n\n`);
  say(`On this host (the detector must be running: \`sudo npm start\` or \`docker compose up\`):\n`);
  for (const action of options.actions ?? HOST_ACTIONS) {
    step++;
    say(` ${step}. ${action.action}\n    should trip: ${action.rule}\n`);
    try {
      const did = await action.run(scratch);
      expected.push(action.rule);
      say(`    done: ${did}\n`);
    } catch (error) {
      say(`    ${error instanceof DemoSkip ? 'skipped' : 'failed'}: ${(error as Error).message}\n`);
    }
  }

  say(`\nKubernetes audit events (namespace saker-demo; no cluster is touched):\n`);
  const samples = demoAuditSamples();
  for (const sample of samples) {
    step++;
    say(` ${step}. ${sample.action}\n    should trip: ${sample.rule}\n`);
  }
  const delivery = await deliverAuditSamples(samples, {
    webhookUrl: options.k8sAuditUrl,
    sidekickUrl: config.detector.http_output.url,
    sidekickHeaders: ingestHeaders(config),
    hostname: config.detector.hostname || osHostname(),
  });
  if (delivery.via === 'webhook') {
    say(`    posted to the detector's audit webhook at ${delivery.url}\n`);
  } else {
    say(`    ${delivery.reason}: evaluated here with rules/saker_k8s_audit_rules.yaml, ${delivery.alerts.length} alerts posted to ${config.detector.http_output.url}\n`);
  }
  expected.push(...samples.map((s) => s.rule));

  const ui = uiUrl(config);
  if (options.waitMs <= 0 || ui === undefined) {
    say(`\nSummary: ${expected.length} actions performed; look for their alerts${ui ? ` at ${ui}` : ''}.\n`);
    return { expected };
  }
  say(`\nWaiting up to ${Math.round(options.waitMs / 1000)} s for the alerts in the web UI at ${ui} …\n`);
  const check = await waitForRules(ui, new Set(expected), startedMs, options.waitMs);
  if ('unavailable' in check) {
    say(`Summary: ${expected.length} actions performed; could not check the alerts: ${check.unavailable}.\n`);
    return { expected };
  }
  const missing = expected.filter((rule) => !check.seen.has(rule));
  say(`Summary: ${expected.length - missing.length} of ${expected.length} expected rules have alerts in the web UI:\n`);
  for (const rule of expected) say(`  ${check.seen.has(rule) ? '✓' : '✗'} ${rule}\n`);
  if (missing.some((rule) => (options.actions ?? HOST_ACTIONS).some((a) => a.rule === rule))) {
    say(`Host actions without an alert: is the detector running and sending to this sidekick?\n`);
  }
  say(`Browse them at ${ui}; Slack and the other configured outputs get them too.\n`);
  return { expected, missing };
}
