import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { startSlackServer, type SlackServer } from '../../support/peers/slack-server.js';
import { waitFor } from '../../support/wait.js';
import { startCli, type CliProcess } from '../packaging/cli-process.js';

/*
 * The newcomer's first minute: `saker run` (sidekick, web UI and the live detector on this kernel)
 * with Slack pointed at a local Slack and the k8saudit plugin's webhook on, then `saker demo` in
 * another process. The demo's host actions are seen by the detector like any process; its audit
 * events go to the detector's webhook and through Saker's k8s_audit rules.
 */

let dir: string;
let slack: SlackServer;
let saker: CliProcess | undefined;
let ingestUrl: string;
let uiUrl: string;
let auditWebhookUrl: string;

/** Command lines of the processes running now, arguments joined by spaces. */
function runningCommandLines(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      } catch {
        return '';
      }
    });
}

/** A loopback port free right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saker-demo-test-'));
  slack = await startSlackServer();
  const port = 20000 + Math.floor(Math.random() * 20000);
  ingestUrl = `http://127.0.0.1:${port}/`;
  uiUrl = `http://127.0.0.1:${port + 1}`;
  // The detector's Kubernetes audit webhook (the built-in k8saudit plugin), where the demo posts.
  auditWebhookUrl = `http://127.0.0.1:${await freePort()}/k8s-audit`;
  saker = startCli(['run'], {
    DETECTOR_PLUGINS: JSON.stringify([{ name: 'k8saudit', open_params: auditWebhookUrl }, { name: 'json' }]),
    DATADIR: dir,
    LISTENPORT: String(port),
    WEBUI_LISTENPORT: String(port + 1),
    SLACK_WEBHOOKURL: slack.webhookUrl,
    // info: the detector's stats line (events, kernel drops) lands in the failure message.
    LOGLEVEL: 'info',
  });
  await saker.untilPrinted('Press Ctrl+C', 120_000);
}, 150_000);

afterAll(async () => {
  await saker?.stop();
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('saker demo against saker run', () => {
  it('makes at least five distinct rules fire, each reaching the UI API and Slack, and cleans up after itself', async () => {
    expect(saker?.stdout()).toContain('detector: watching this host with eBPF');
    const startedMs = Date.now();
    const demo = startCli(['demo', '--wait', '60', '--k8s-audit-url', auditWebhookUrl], {
      DETECTOR_HTTP_OUTPUT_URL: ingestUrl,
      WEBUI_LISTENPORT: new URL(uiUrl).port,
    });
    const code = await demo.exited;
    const printed = demo.stdout();
    const diagnosis = `${printed}\n${demo.stderr()}\nsaker run: ${saker?.stderr().slice(-3000)}`;

    // The rules the demo said each step should trip.
    const expected = [...printed.matchAll(/should trip: (.+)/g)].map((m) => m[1] as string);
    expect(new Set(expected).size).toBe(expected.length);
    expect(expected.length, diagnosis).toBeGreaterThanOrEqual(5);
    expect(printed, diagnosis).toContain(`posted to the detector's audit webhook at ${auditWebhookUrl}`);
    // Exit 0 exactly when the demo saw every expected rule in the web UI.
    expect(code, diagnosis).toBe(printed.includes(`${expected.length} of ${expected.length} expected rules have alerts`) ? 0 : 1);

    const response = await fetch(`${uiUrl}/api/v1/events/search?since=15m&limit=10000`);
    const alerts = ((await response.json()) as { results: Alert[] }).results.filter((a) => Date.parse(a.time) >= startedMs - 2_000 && expected.includes(a.rule));
    const inUi = new Set(alerts.map((a) => a.rule));
    // The bar: five distinct rules, the live detector on this kernel among them. (A host
    // under heavy load can drop kernel events, so not every host action is guaranteed an alert.)
    expect(inUi.size, diagnosis).toBeGreaterThanOrEqual(5);
    expect(alerts.some((a) => a.source === 'syscall'), diagnosis).toBe(true);
    expect(alerts.find((a) => a.rule === 'K8s privileged pod created')?.output_fields['ka.target.namespace']).toBe('saker-demo');

    await waitFor(
      () => {
        const text = JSON.stringify(slack.posted.map((p) => p.payload));
        return [...inUi].every((rule) => text.includes(rule));
      },
      'every demo rule of the UI in Slack too',
      { limitMs: 60_000, detail: () => `${slack.posted.length} Slack messages` },
    );

    // Nothing left behind: the scratch file below /etc is gone.
    const scratch = /sh -c ': > (\/etc\/saker-demo-\w+)'/.exec(printed)?.[1];
    expect(scratch).toBeDefined();
    expect(existsSync(scratch as string)).toBe(false);
    // …and the terminal shell it kept up while waiting is gone once the demo ends, with its script.
    const started = /script -qec '(?:exec )?([^']+)' \/dev\/null/.exec(printed);
    expect(started).not.toBeNull();
    // As /proc shows them: script's arguments without the quotes, and the shell once it exec'd its command.
    const scriptLine = (started?.[0] ?? '').replace(/'/g, '');
    const shellLine = started?.[1] ?? '';
    const lingering = (): string[] => runningCommandLines().filter((line) => line === scriptLine || line === shellLine);
    await waitFor(() => lingering().length === 0, `${scriptLine} and its shell to end`, { limitMs: 10_000, detail: () => lingering().join('; ') });
  }, 180_000);

  it('rejects a --wait that is not a number of seconds with a usage error', async () => {
    const demo = startCli(['demo', '--wait', 'soon'], {});
    expect(await demo.exited).toBe(2);
    expect(demo.stderr()).toContain("--wait must be a whole number of seconds, not 'soon'");
  });
});
