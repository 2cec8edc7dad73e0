import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Alert } from '../../../contract/index.js';
import { startSlackServer, type SlackServer } from '../../support/peers/slack-server.js';
import { waitFor } from '../../support/wait.js';
import { startCli, type CliProcess } from './cli-process.js';

/*
 * docker-compose.yml without Docker: the test resolves the file with docker-compose itself, then
 * starts each Saker service as a local process with the service's command and resolved environment.
 * What a container provides is mapped to this host, and only that: the named volumes become temp
 * folders, the /etc bind mount is the host's own /etc, the service name `sidekick` is loopback, and
 * the published ports are free local ports. The detector starts once the sidekick's own compose
 * health check passes (depends_on: service_healthy), and a real rule fires on this kernel.
 */

interface ComposeService {
  command: string[];
  environment: Record<string, string>;
  volumes?: string[];
  ports?: (string | { target: number; published: number })[];
  healthcheck?: { test?: string[] };
}

const run = promisify(execFile);
let dir: string;
let slack: SlackServer;
let sidekick: CliProcess | undefined;
let detector: CliProcess | undefined;
let uiUrl: string;
let services: Record<string, ComposeService>;
let hostPort: Map<number, number>;

/** Container path → where it lives for a local process (checked against the compose volumes below). */
let containerPaths: Map<string, string>;

/** A service's resolved environment with container paths, the sidekick's name and ports mapped to this host. */
function localEnvironment(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.environment)) {
    let local = containerPaths.get(value) ?? value;
    local = local.replace(/^http:\/\/sidekick:(\d+)/, (_, port: string) => `http://127.0.0.1:${hostPort.get(Number(port))}`);
    // Inside a container 0.0.0.0 is what makes the port mapping reach it; here loopback is enough.
    env[name] = local === '0.0.0.0' ? '127.0.0.1' : local;
  }
  return env;
}

/** Runs a service's compose health check, pointed at the local port, once: true if it passes. */
async function healthCheckPasses(service: ComposeService): Promise<boolean> {
  const test = service.healthcheck?.test ?? [];
  expect(test[0]).toBe('CMD');
  const [file, ...args] = test.slice(1).map((arg) => arg.replace(/127\.0\.0\.1:(\d+)/, (_, port: string) => `127.0.0.1:${hostPort.get(Number(port))}`));
  try {
    await run(file === 'node' ? process.execPath : (file ?? 'false'), args);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saker-compose-processes-'));
  slack = await startSlackServer();
  const { stdout } = await run('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    env: { ...process.env, SLACK_WEBHOOKURL: slack.webhookUrl, LOGLEVEL: 'warn' },
  });
  services = (parse(stdout) as { services: Record<string, ComposeService> }).services;

  containerPaths = new Map([
    ['/var/lib/saker', join(dir, 'saker-data')],
    ['/var/lib/saker-detector', join(dir, 'saker-detector-data')],
    // /etc is mounted at /host/etc, so the host root the detector reads users from is /host.
    ['/host', '/'],
  ]);
  const base = 20000 + Math.floor(Math.random() * 20000);
  hostPort = new Map([
    [2801, base],
    [2802, base + 1],
    // The detector's health endpoint: its container's own loopback, here a free port of ours.
    [8765, base + 2],
  ]);
  uiUrl = `http://127.0.0.1:${base + 1}`;

  const sidekickService = services.sidekick as ComposeService;
  sidekick = startCli(sidekickService.command, {
    ...localEnvironment(sidekickService),
    // The published ports, as `ports:` maps them.
    LISTENPORT: String(base),
    WEBUI_LISTENPORT: String(base + 1),
  });
  await untilHealthy(sidekickService, sidekick);

  const detectorService = services.detector as ComposeService;
  detector = startCli(detectorService.command, { ...localEnvironment(detectorService), DETECTOR_WEBSERVER_LISTEN_PORT: String(base + 2) });
  await detector.untilPrinted('Saker detector is watching this host');
  await untilHealthy(detectorService, detector);
}, 240_000);

/** Polls a service's health check as compose does, failing early if its process exits. */
async function untilHealthy(service: ComposeService, running: CliProcess): Promise<void> {
  const started = Date.now();
  while (!(await healthCheckPasses(service))) {
    if (running.child.exitCode !== null) throw new Error(`${service.command.join(' ')} exited: ${running.stderr()}`);
    if (Date.now() - started > 90_000) throw new Error(`${service.command.join(' ')} never became healthy: ${running.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterAll(async () => {
  await detector?.stop();
  await sidekick?.stop();
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the compose services as local processes', () => {
  it('map every container path they use to a volume or bind mount of the compose file', () => {
    expect(services.sidekick?.volumes).toContain('saker-data:/var/lib/saker:rw');
    expect(services.detector?.volumes).toContain('saker-detector-data:/var/lib/saker-detector:rw');
    expect(services.detector?.volumes).toContain('/etc:/host/etc:ro');
    // docker-compose writes a published port as `host:container/proto` or as an object.
    const targets = (services.sidekick?.ports ?? []).map((p) => (typeof p === 'string' ? Number(/(\d+)(\/\w+)?$/.exec(p)?.[1]) : p.target));
    expect(targets.sort((a, b) => a - b)).toEqual([2801, 2802]);
    expect(localEnvironment(services.detector as ComposeService)).toMatchObject({
      DETECTOR_HTTP_OUTPUT_URL: `http://127.0.0.1:${hostPort.get(2801)}/`,
      DETECTOR_HOSTROOT: '/',
      DATADIR: join(dir, 'saker-detector-data'),
    });
  });

  it('carry a credential read on this kernel from the detector to the sidekick, Slack and the UI API', async () => {
    // A copy of cat under a unique path: its alert cannot be confused with another test's.
    const reader = join(dir, 'untrusted-reader');
    copyFileSync('/bin/cat', reader);
    await run('chmod', ['755', reader]);
    await run(reader, ['/etc/shadow']);

    let found: Alert | undefined;
    const started = Date.now();
    while (!found) {
      const response = await fetch(`${uiUrl}/api/v1/events/search?rule=${encodeURIComponent('Credential file read by untrusted program')}&limit=1000`);
      found = ((await response.json()) as { results: Alert[] }).results.find((a) => a.output_fields['proc.exepath'] === reader);
      if (!found && Date.now() - started > 60_000) {
        const all = ((await (await fetch(`${uiUrl}/api/v1/events/search?limit=20`)).json()) as { results: Alert[] }).results;
        throw new Error(`no alert in the UI API; ${all.length} others: ${JSON.stringify(all.map((a) => [a.rule, a.output_fields['proc.exepath'], a.output_fields['proc.name']]))}; detector: ${detector?.stderr().slice(-2000)}`);
      }
      if (!found) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(found).toMatchObject({ priority: 'Warning', source: 'syscall', output_fields: { 'fd.name': '/etc/shadow', 'user.name': 'root' } });

    const posted = await waitFor(
      () => slack.posted.find((p) => JSON.stringify(p.payload).includes(reader)),
      'the alert in Slack',
      { limitMs: 60_000, detail: () => `${slack.posted.length} Slack messages` },
    );
    expect(posted.via).toBe('webhook');
    expect(JSON.stringify(posted.payload)).toContain('Credential file read by untrusted program');
  }, 120_000);
});
