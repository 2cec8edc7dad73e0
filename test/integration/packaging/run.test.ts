import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_AUDIT_WEBHOOK } from '../../../cli/all-in-one.js';
import { demoAuditSamples } from '../../../cli/demo/index.js';
import { livePreflight } from '../../../detector/sources/live/index.js';

/** `saker run` as a child process, resolved once it printed its start lines (what it printed so far). */
async function startRun(env: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; stdout: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/saker.ts', 'run'], { env: { ...process.env, LOGLEVEL: 'warn', ...env } });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const started = Date.now();
  while (!stdout.includes('Press Ctrl+C')) {
    if (Date.now() - started > 60_000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`saker run did not start: ${stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, stdout: () => stdout };
}

/** `saker run` as `npm start` runs it: a real process, real ports, a real alert through to the UI API. */
describe('saker run (npm start)', () => {
  it('prints where the UI is, accepts a Falco alert and audit events on loopback, shows their alerts in the UI API, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-run-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const { child, stdout: printed } = await startRun({ DATADIR: dir, LISTENPORT: String(port), WEBUI_LISTENPORT: String(port + 1) });
    try {
      const stdout = printed();
      const ui = /web UI: +(\S+)/.exec(stdout)?.[1];
      const ingest = /ingest: +(\S+?)\/? /.exec(stdout)?.[1];
      expect(ui).toBe(`http://127.0.0.1:${port + 1}`);
      expect(ingest).toContain(String(port));
      expect(stdout).toMatch(/outputs: +the web UI only/);
      expect(stdout).toContain('npx saker demo');

      const posted = await fetch(`${ingest}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rule: 'Run test', priority: 'Critical', time: '2026-11-22T10:00:00.000000000Z', output: 'from the test', output_fields: {} }),
      });
      expect(posted.status).toBe(200);
      const { uuid } = (await posted.json()) as { uuid: string };

      let found: unknown;
      for (let i = 0; i < 100 && !found; i++) {
        const search = (await (await fetch(`${ui}/api/v1/events/search?rule=Run%20test`)).json()) as { results: { uuid: string }[] };
        found = search.results.find((a) => a.uuid === uuid);
        if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(found).toMatchObject({ rule: 'Run test', priority: 'Critical', uuid });
      // The Kubernetes audit webhook is on by default, on loopback: audit events become alerts.
      expect(stdout).toContain(`Kubernetes audit events at ${EMBEDDED_AUDIT_WEBHOOK}`);
      const samples = demoAuditSamples();
      const audit = await fetch(EMBEDDED_AUDIT_WEBHOOK, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: samples.map((sample) => sample.event) }),
      });
      expect(audit.status).toBe(200);
      const expectedRules = new Set(samples.map((sample) => sample.rule));
      let seenRules = new Set<string>();
      for (let i = 0; i < 200 && seenRules.size < expectedRules.size; i++) {
        const search = (await (await fetch(`${ui}/api/v1/events/search?source=k8s_audit&limit=100`)).json()) as { results: { rule: string }[] };
        seenRules = new Set(search.results.map((a) => a.rule));
        if (seenRules.size < expectedRules.size) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seenRules).toEqual(expectedRules);

      const page = await fetch(`${ui}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<!doctype html>');

      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('does not claim the audit webhook when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port: takenPort } = taken.address() as { port: number };
    const webhook = `http://127.0.0.1:${takenPort}/k8s-audit`;
    const dir = mkdtempSync(join(tmpdir(), 'saker-run-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    let run: Awaited<ReturnType<typeof startRun>> | undefined;
    try {
      run = await startRun({
        DATADIR: dir,
        LISTENPORT: String(port),
        WEBUI_LISTENPORT: String(port + 1),
        DETECTOR_PLUGINS: JSON.stringify([{ name: 'k8saudit', open_params: webhook }, { name: 'json' }]),
      });
      const { child } = run;
      const detectorLine = /detector: (.*)/.exec(run.stdout())?.[1] ?? '';
      expect(detectorLine).not.toContain(`Kubernetes audit events at ${webhook}`);
      if (livePreflight().length === 0) {
        // eBPF runs, so the detector starts; the line says the webhook did not.
        expect(detectorLine).toContain('watching this host with eBPF');
        expect(detectorLine).toContain(`did not start: the Kubernetes audit webhook at ${webhook}`);
      } else {
        expect(detectorLine).toMatch(/^off/);
      }
      child.kill('SIGTERM');
      expect(await new Promise<number | null>((resolve) => child.on('close', resolve))).toBe(0);
    } finally {
      run?.child.kill('SIGKILL');
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
