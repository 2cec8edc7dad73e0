// The detector's web server, as Falco's `webserver`: the health answer Falco gives, Prometheus metrics
// under Falco's series names where Falco has one, and a clear error when the port is taken.
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { DetectorMetrics, type DetectorSnapshot } from '../../../detector/metrics.js';
import { startDetectorWebserver, type DetectorWebserver } from '../../../detector/webserver.js';

const snapshot: DetectorSnapshot = {
  records: 1234,
  events: { syscall: 1200 },
  kernelDrops: 7,
  mapFull: 11,
  malformedLines: 2,
  adapterErrors: 1,
  link: { queued: 3, sent: 40, dropped: 5, rejected: 1, failedAttempts: 2 },
  recording: { written: 1000, dropped: 234 },
};

const alert: Alert = {
  time: '2026-11-22T10:00:00.000000000Z',
  rule: 'Credential file read by untrusted program',
  priority: 'Warning',
  source: 'syscall',
  hostname: 'h',
  output: '…',
  output_fields: {},
  tags: ['filesystem', 'mitre_credential_access', 'T1555'],
};

const servers: DetectorWebserver[] = [];
let blocker: Server | undefined;
afterAll(async () => {
  for (const s of servers) await s.close();
  blocker?.close();
});

async function start(prometheus: boolean, healthz = '/healthz') {
  const metrics = new DetectorMetrics(() => snapshot, ['filesystem', 'mitre_credential_access', 'T1555', 'other-tag']);
  metrics.alert(alert);
  metrics.alert(alert);
  const server = await startDetectorWebserver(
    { enabled: true, listen_address: '127.0.0.1', listen_port: 0, k8s_healthz_endpoint: healthz, prometheus_metrics_enabled: prometheus },
    metrics,
  );
  servers.push(server);
  return server;
}

/** The value of one series in Prometheus text, found by name and (a subset of) its labels. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('detector web server', () => {
  it('answers the health endpoint as Falco does', async () => {
    const server = await start(false, '/custom-healthz');
    const response = await fetch(`${server.url}/custom-healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.text()).toBe('{"status": "ok"}');
    // Metrics are off unless prometheus_metrics_enabled, as in Falco.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it('serves events, drops, rule matches and the alert queue as Prometheus metrics', async () => {
    const server = await start(true);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(series(text, 'falcosecurity_scap_n_evts_total')).toBe(1234);
    expect(series(text, 'falcosecurity_scap_n_drops_total')).toBe(7);
    expect(series(text, 'falcosecurity_falco_outputs_queue_num_drops_total')).toBe(5);
    // Falco's labels: priority as its number (Warning = 4), the rule, the source, a tag_<tag> per tag.
    expect(
      series(text, 'falcosecurity_falco_rules_matches_total', {
        priority: '4',
        rule_name: 'Credential file read by untrusted program',
        source: 'syscall',
        tag_filesystem: 'true',
        tag_mitre_credential_access: 'true',
        tag_T1555: 'true',
      }),
    ).toBe(2);
    expect(text).not.toMatch(/tag_other_tag="/);
    expect(series(text, 'saker_detector_events_total', { source: 'syscall' })).toBe(1200);
    expect(series(text, 'saker_detector_event_drops_total', { cause: 'kernel_buffer' })).toBe(7);
    expect(series(text, 'saker_detector_event_drops_total', { cause: 'argument_map_full' })).toBe(11);
    expect(series(text, 'saker_detector_event_drops_total', { cause: 'malformed_line' })).toBe(2);
    expect(series(text, 'saker_detector_event_drops_total', { cause: 'adapter_error' })).toBe(1);
    expect(series(text, 'saker_detector_alert_queue_depth')).toBe(3);
    expect(series(text, 'saker_detector_alerts_sent_total')).toBe(40);
    expect(series(text, 'saker_detector_alert_drops_total', { cause: 'spool_full' })).toBe(5);
    expect(series(text, 'saker_detector_alert_drops_total', { cause: 'rejected' })).toBe(1);
    expect(series(text, 'saker_detector_record_drops_total')).toBe(234);
    expect(series(text, 'saker_detector_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('answers an unknown path with 404, not a crash', async () => {
    const server = await start(true);
    const response = await fetch(`${server.url}/nope`, { method: 'POST', body: '{bad json' });
    expect(response.status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('fails with the setting to change when the port is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const metrics = new DetectorMetrics(() => snapshot);
    await expect(
      startDetectorWebserver({ enabled: true, listen_address: '127.0.0.1', listen_port: port, k8s_healthz_endpoint: '/healthz', prometheus_metrics_enabled: true }, metrics),
    ).rejects.toMatchObject({ code: 'SAKER_ERR_DETECTOR_WEBSERVER', message: expect.stringContaining('detector.webserver.listen_address/listen_port') });
  });
});
