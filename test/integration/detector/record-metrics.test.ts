// A running detector on this kernel, operated as a user would: its web server answers /healthz and
// /metrics (scraped while a rule fires), and `--record` keeps the live session so that `saker replay`
// of the file raises the same alerts, with the same output fields, as the live run did.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../common/config/index.js';
import { createLogger } from '../../../common/logger.js';
import type { Alert } from '../../../contract/index.js';
import { REPLAY_SOURCES, replay } from '../../../detector/replay/index.js';
import { startDetector, untilDetectorReady, type RunningDetector } from '../../../detector/service.js';
import { waitFor } from '../../support/wait.js';

const RULE = 'Credential file read by untrusted program';
let dir: string;
let recordFile: string;
let detector: RunningDetector;
let receiver: Server;
const received: Alert[] = [];

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The value of one series in Prometheus text, by name and (a subset of) its labels. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** A value as it reads back from JSON on the wire (a 64-bit integer becomes the nearest double). */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown;
}

async function scrape(): Promise<string> {
  const response = await fetch(`${detector.webserverUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saker-record-metrics-'));
  recordFile = join(dir, 'session.jsonl');
  // The sidekick's batch endpoint, reduced to what the test needs: keep what arrives.
  receiver = createServer((request, response) => {
    void body(request).then((text) => {
      received.push(...(JSON.parse(text) as Alert[]));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as { port: number }).port;
  const config = loadConfig({
    env: {
      DATADIR: dir,
      DETECTOR_HTTP_OUTPUT_URL: `http://127.0.0.1:${port}/`,
      DETECTOR_RULE_MATCHING: 'all',
      DETECTOR_WEBSERVER_ENABLED: 'true',
      DETECTOR_WEBSERVER_LISTEN_PORT: '0',
      DETECTOR_WEBSERVER_PROMETHEUS_METRICS_ENABLED: 'true',
    },
  });
  detector = await startDetector(config, createLogger({ level: 'silent', pretty: false }), { record: { path: recordFile, maxBytes: 512 * 1024 * 1024 } });
  await untilDetectorReady(detector);
}, 120_000);

afterAll(async () => {
  await detector?.stop(2_000);
  receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('detector operations on this kernel', () => {
  let live: Alert;

  it('answers /healthz as Falco does', async () => {
    const response = await fetch(`${detector.webserverUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"status": "ok"}');
  });

  it('counts records, events and the rule match on /metrics while running', async () => {
    const child = execFile('/bin/cat', ['/etc/shadow']);
    await new Promise((resolve) => child.on('close', resolve));
    live = await waitFor(
      () => received.find((a) => a.rule === RULE && a.output_fields['proc.pid'] === child.pid) ?? received.find((a) => a.rule === RULE && a.output_fields['proc.cmdline'] === 'cat /etc/shadow'),
      'the live alert',
      { limitMs: 30_000, detail: () => JSON.stringify(detector.stats()) },
    );
    const text = await scrape();
    expect(series(text, 'falcosecurity_falco_rules_matches_total', { rule_name: RULE, priority: '4', source: 'syscall' })).toBeGreaterThanOrEqual(1);
    expect(series(text, 'falcosecurity_scap_n_evts_total')).toBeGreaterThan(0);
    expect(series(text, 'saker_detector_events_total', { source: 'syscall' })).toBeGreaterThan(0);
    expect(series(text, 'saker_detector_alerts_sent_total')).toBeGreaterThanOrEqual(1);
    expect(series(text, 'saker_detector_event_drops_total', { cause: 'adapter_error' })).toBe(0);
    expect(series(text, 'falcosecurity_scap_n_drops_total')).toBe(detector.stats().kernelDrops);
    // The driver's argument-map drops, next to the kernel's: scraped from the running driver's count
    // (which only grows, so the scrape cannot be ahead of the stats read after it).
    const mapFull = series(text, 'saker_detector_event_drops_total', { cause: 'argument_map_full' });
    expect(mapFull).toBeTypeOf('number');
    expect(mapFull).toBeLessThanOrEqual(detector.stats().mapFull);
    expect(series(text, 'saker_detector_alert_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(series(text, 'saker_detector_recorded_records_total')).toBeGreaterThan(0);
    expect(series(text, 'saker_detector_record_drops_total')).toBe(0);
  }, 40_000);

  it('records the session so that replaying it raises the same alert, field for field', async () => {
    expect(live).toBeDefined();
    await detector.stop(2_000);
    const lines = readFileSync(recordFile, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ saker_record: 1 });
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ t: 'end', dropped: 0 });
    const replayed: Alert[] = [];
    const source = REPLAY_SOURCES.get('syscall');
    if (!source) throw new Error('no syscall replay source');
    const summary = await replay({ source, input: recordFile, rules: [], ruleMatching: 'all', onAlert: (a) => replayed.push(a) });
    expect(summary.skipped).toBe('none');
    const again = replayed.find((a) => a.rule === live.rule && a.time === live.time);
    expect(again).toBeDefined();
    // Compared as they travel (JSON): the live alert was read back from the wire.
    expect(asJson(again?.output_fields)).toEqual(live.output_fields);
    expect(again?.priority).toBe(live.priority);
    // Every alert the live run raised comes back from the file, in the same order.
    const key = (a: Alert) => `${a.time} ${a.rule} ${JSON.stringify(asJson(a.output_fields))}`;
    expect(replayed.map(key)).toEqual(expect.arrayContaining(received.map(key)));
  }, 60_000);
});
