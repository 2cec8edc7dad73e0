import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { startDetector, untilDetectorReady, type RunningDetector } from '../../../detector/service.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { waitFor } from '../../support/wait.js';
import { testPlugin, writeSetup } from './support.js';

/*
 * The built-in plugins as configured sources of the real detector, several at once and without
 * eBPF: the k8saudit webhook receiving audit events over real HTTP, CloudTrail log files, and a test
 * plugin, each with its own rules (Saker's own, as no rules_files are given), alerts posted to a
 * loopback receiver.
 */

const fixtures = resolve(import.meta.dirname, '../../fixtures');
const log = createLogger({ level: 'silent', pretty: false });
let peer: HttpPeer | undefined;
let detector: RunningDetector | undefined;
let dir: string | undefined;

afterEach(async () => {
  await detector?.stop(2_000);
  await peer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  detector = peer = dir = undefined;
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const received = (): Alert[] => (peer?.requests ?? []).flatMap((request) => JSON.parse(request.body) as Alert[]);

describe('built-in plugin sources in the detector', () => {
  it('runs the k8s audit webhook, CloudTrail files and a test plugin at once, each with its own rules', async () => {
    peer = await startHttpPeer(() => ({ status: 200, body: '{}' }));
    const port = await freePort();
    const setup = writeSetup('[]\n', (dataDir) => ({
      datadir: dataDir,
      detector: {
        disable_sources: ['syscall'],
        http_output: { url: `${peer?.url}/` },
        plugins: [
          { name: 'k8saudit', library_path: 'libk8saudit.so', init_config: { token: 's3cret' }, open_params: `http://127.0.0.1:${port}/k8s-audit` },
          { name: 'cloudtrail', open_params: resolve(fixtures, 'cloudtrail', 'console-login-without-mfa.json') },
          { name: 'dummy', library: testPlugin('dummy.ts'), open_params: '3' },
        ],
      },
    }));
    dir = setup.dir;
    detector = await startDetector(loadConfig({ file: setup.configFile, env: {} }), log);
    await untilDetectorReady(detector);

    const audit = (file: string) => JSON.parse(readFileSync(resolve(fixtures, 'k8s-audit', file), 'utf8')) as Record<string, unknown>;
    // The exec fixture is the streaming stage the official rules see; Saker's rules look at completed requests.
    const events = [audit('anonymous-request-allowed.json'), { ...audit('exec-into-pod.json'), stage: 'ResponseComplete' }, audit('benign-list-pods.json')];
    const body = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events });
    const post = (token: string) => fetch(`http://127.0.0.1:${port}/k8s-audit`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    expect([401, 403]).toContain((await post('wrong')).status);
    expect((await post('s3cret')).status).toBe(200);

    const bySource = (source: string) => received().filter((a) => a.source === source);
    await waitFor(() => bySource('k8s_audit').length >= 2 && bySource('aws_cloudtrail').length >= 1, 'alerts from the audit webhook and CloudTrail', {
      detail: () => JSON.stringify(detector?.stats()),
    });
    expect(bySource('k8s_audit').map((a) => a.rule).sort()).toEqual(['K8s anonymous request allowed', 'K8s exec or attach into a pod']);
    expect(bySource('aws_cloudtrail').map((a) => a.rule)).toEqual(['AWS console login without MFA']);
    // The dummy source ran too (no rules of its own here) and ended; the others keep running.
    const stats = detector.stats();
    expect(stats.sources.dummy?.events).toBe(3);
    expect(stats.sources.k8s_audit?.events).toBe(3);
    expect(stats.sources.aws_cloudtrail?.events).toBe(1);
  });
});
