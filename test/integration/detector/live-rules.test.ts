import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { startDetector, untilDetectorReady, type RunningDetector } from '../../../detector/service.js';
import { startSidekick, type RunningSidekick } from '../../../sidekick/index.js';

/*
 * The whole live path on this machine's kernel: the detector with Saker's own rules, the sidekick,
 * and the web UI API. The test really does what the rules catch, in child processes, and finds the
 * alerts with the right process and file fields; harmless activity raises none.
 */

const run = promisify(execFile);
let dir: string;
let sidekick: RunningSidekick;
let detector: RunningDetector;
let server: Server;
let port: number;

async function alertsWhere(match: (alert: Alert) => boolean, what: string, limitMs = 30_000): Promise<Alert[]> {
  const start = Date.now();
  for (;;) {
    const response = await fetch(`${sidekick.uiUrl}/api/v1/events/search?limit=1000`);
    const found = ((await response.json()) as { results: Alert[] }).results.filter(match);
    if (found.length > 0) return found;
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}; detector stats ${JSON.stringify(detector.stats())}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saker-live-rules-'));
  const base = 20000 + Math.floor(Math.random() * 20000);
  const config = loadConfig({
    env: {
      DATADIR: dir,
      LISTENPORT: String(base),
      WEBUI_LISTENPORT: String(base + 1),
      DETECTOR_HTTP_OUTPUT_URL: `http://127.0.0.1:${base}/`,
      DETECTOR_RULE_MATCHING: 'all',
    },
  });
  const log = createLogger({ level: 'silent', pretty: false });
  sidekick = await startSidekick(config, log);
  detector = await startDetector(config, log);
  await untilDetectorReady(detector);
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  server?.close();
  await detector?.stop(2_000);
  await sidekick?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live detector with Saker’s rules', () => {
  it('alerts when an untrusted program reads /etc/shadow', async () => {
    const child = execFile('/bin/cat', ['/etc/shadow']);
    await new Promise((resolve) => child.on('close', resolve));
    const [alert] = await alertsWhere(
      (a) => a.rule === 'Credential file read by untrusted program' && a.output_fields['proc.cmdline'] === 'cat /etc/shadow',
      'the credential-read alert',
    );
    expect(alert).toMatchObject({
      priority: 'Warning',
      source: 'syscall',
      output_fields: { 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'proc.exepath': '/bin/cat', 'user.name': 'root' },
    });
    expect(alert?.output).toContain('file=/etc/shadow process=cat');
  });

  it('alerts when a shell writes below /etc, naming the file', async () => {
    const scratch = `/etc/saker-live-test-${process.pid}`;
    try {
      await run('/bin/sh', ['-c', `echo test > ${scratch}`]);
    } finally {
      rmSync(scratch, { force: true });
    }
    const [alert] = await alertsWhere((a) => a.rule === 'Write below system configuration or binary directories' && a.output_fields['fd.name'] === scratch, 'the write alert');
    expect(alert).toMatchObject({ priority: 'Error', output_fields: { 'proc.name': 'sh' } });
  });

  it('alerts when a shell opens a network connection, with the destination', async () => {
    await run('/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-`]);
    const [alert] = await alertsWhere(
      (a) => a.rule === 'Unexpected outbound connection' && String(a.output_fields['fd.name']).endsWith(`127.0.0.1:${port}`),
      'the connection alert',
    );
    expect(alert?.output_fields['proc.name']).toBe('bash');
  });

  it('raises nothing for harmless activity', async () => {
    const marker = `/etc/saker-marker-${process.pid}`;
    await run('/bin/sh', ['-c', 'cat /etc/hostname > /dev/null; ls /tmp > /dev/null; cp /etc/hostname /tmp/saker-harmless.txt']);
    // Events are processed in order, so once an alert caused afterwards arrives, the harmless ones are through.
    try {
      await run('/bin/sh', ['-c', `: > ${marker}`]);
    } finally {
      rmSync(marker, { force: true });
      rmSync('/tmp/saker-harmless.txt', { force: true });
    }
    await alertsWhere((a) => a.output_fields['fd.name'] === marker, 'the marker alert');
    const response = await fetch(`${sidekick.uiUrl}/api/v1/events/search?limit=1000`);
    const harmless = ((await response.json()) as { results: Alert[] }).results.filter((a) =>
      ['cat /etc/hostname', 'ls /tmp', 'cp /etc/hostname /tmp/saker-harmless.txt'].includes(String(a.output_fields['proc.cmdline'])),
    );
    expect(harmless).toEqual([]);
    expect(detector.stats().adapterErrors).toBe(0);
  });
});
