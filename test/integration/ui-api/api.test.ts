import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { createUiServer, type UiServer } from '../../../sidekick/ui-api/index.js';
import { alertAt, readEvents, tempDir } from './support.js';

let store: AlertStore;
let ui: UiServer;
let removeDir: () => void;
const seeded: Alert[] = [];

beforeAll(async () => {
  const tmp = tempDir('saker-ui-api-');
  removeDir = tmp.remove;
  const staticDir = join(tmp.dir, 'app');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Saker</title>');
  writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  store = AlertStore.open({ directory: join(tmp.dir, 'store') });
  seeded.push(
    alertAt(600, { rule: 'Write below etc', priority: 'Error', hostname: 'node-2', output: 'File below /etc opened (file=/etc/shadow)', tags: ['filesystem', 'mitre_persistence'] }),
    alertAt(30, { rule: 'Launch Privileged Container', priority: 'Critical', source: 'k8s_audit', hostname: 'node-2', tags: ['k8s'] }),
    alertAt(20, { priority: 'Critical', output_fields: { 'proc.cmdline': '=HYPERLINK("http://evil")', 'fd.name': '/tmp/x,y' } }),
    alertAt(10),
    alertAt(5, { priority: 'Warning', hostname: 'node-3' }),
  );
  store.insert(seeded);
  ui = await createUiServer({
    store,
    port: 0,
    staticDir,
    outputs: () => ['slack', 'webhook'],
    deliveryStatus: (uuid) => (uuid === seeded[0]!.uuid ? [{ output: 'slack', state: 'dead', attempts: 5, error: 'HTTP 500' }] : []),
    stream: { heartbeatMs: 50 },
  });
});

afterAll(async () => {
  await ui?.close();
  store?.close();
  removeDir?.();
});

// Bodies are whatever the server sent; the assertions are what check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function get(path: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${ui.url}${path}`);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

const uuids = (body: { results: Alert[] }): string[] => body.results.map((a) => a.uuid!);
const idx = (...indexes: number[]): string[] => indexes.map((i) => seeded[i]!.uuid!);

describe('events/search (falcosidekick-ui compatible)', () => {
  it('returns every alert newest first with falcosidekick-ui statistics', async () => {
    const { status, body } = await get('/api/v1/events/search');
    expect(status).toBe(200);
    expect(uuids(body)).toEqual(idx(4, 3, 2, 1, 0));
    expect(body.statistics).toEqual({ returned: 5, all: 5 });
    expect(body.results[0]).toEqual(seeded[4]);
  });

  it('pages with limit and a 1-based page', async () => {
    const { body } = await get('/api/v1/events/search?limit=2&page=2');
    expect(uuids(body)).toEqual(idx(2, 1));
    expect(body.statistics).toEqual({ returned: 2, all: 5 });
  });

  it('omits `returned` when nothing matches, as Go omitempty does', async () => {
    const { body } = await get('/api/v1/events/search?rule=nope');
    expect(body).toEqual({ results: [], statistics: { all: 0 } });
  });

  it.each([
    ['priority=critical', [2, 1]],
    ['priority=Critical,warning', [4, 2, 1]],
    ['priority=info', []],
    ['rule=Write%20below%20etc,Launch%20Privileged%20Container', [1, 0]],
    ['source=k8s_audit', [1]],
    ['hostname=node-2,node-3', [4, 1, 0]],
    ['tags=k8s,filesystem', [1, 0]],
    ['filter=%2Fetc%2Fsha', [0]],
    ['filter=SHADOW%20file', [0]],
    ['filter=HYPERLINK', [2]],
    ['since=1h', [4, 3, 2, 1]],
    ['since=15m', [4, 3]],
    ['since=900', [4, 3]],
    ['since=1d&priority=Error', [0]],
    ['hostname=node-2&priority=Critical', [1]],
    ['priority=null&rule=null', [4, 3, 2, 1, 0]],
  ])('narrows with %s', async (query, expected) => {
    const { status, body } = await get(`/api/v1/events/search?${query}`);
    expect(status).toBe(200);
    expect(uuids(body)).toEqual(idx(...expected));
    expect(body.statistics.all).toBe(expected.length);
  });

  it('pins a snapshot with the cursor header so paging is stable while alerts arrive', async () => {
    const first = await get('/api/v1/events/search?limit=1');
    const cursor = first.headers.get('x-saker-cursor');
    expect(Number(cursor)).toBeGreaterThan(0);
    const extra = alertAt(0, { hostname: 'snapshot-host' });
    store.insert([extra]);
    try {
      const pinned = await get(`/api/v1/events/search?hostname=snapshot-host&cursor=${cursor}`);
      expect(pinned.body.statistics.all).toBe(0);
      const live = await get('/api/v1/events/search?hostname=snapshot-host');
      expect(uuids(live.body)).toEqual([extra.uuid]);
    } finally {
      seeded.push(extra);
    }
  });

  it('pretty-prints with pretty=true', async () => {
    const response = await fetch(`${ui.url}/api/v1/events/search?limit=1&pretty=true`);
    expect(await response.text()).toContain('\n "results": [');
  });

  it.each([
    ['events/search?priority=urgent', 'priority'],
    ['events/search?since=5x', 'since'],
    ['events/search?limit=abc', 'limit'],
    ['events/search?limit=0', 'limit'],
    ['events/search?limit=100000', 'limit'],
    ['events/search?page=0', 'page'],
    ['events/count?since=-1h', 'since'],
    ['events/count/user', 'groupby'],
    ['events/not-a-uuid', 'uuid'],
    ['timeline?buckets=0', 'buckets'],
    ['export?format=xml', 'format'],
    ['stream?priority=loud', 'priority'],
  ])('answers %s with 400 and a JSON reason naming %s', async (path, key) => {
    const { status, body } = await get(`/api/v1/${path}`);
    expect(status).toBe(400);
    expect(body.code).toBe('SAKER_ERR_UI_BAD_PARAM');
    expect(body.message.startsWith(`${key}:`)).toBe(true);
  });
});

describe('events/count', () => {
  it('counts matching alerts', async () => {
    expect((await get('/api/v1/events/count')).body).toEqual({ statistics: { all: seeded.length } });
    expect((await get('/api/v1/events/count?priority=critical')).body).toEqual({ statistics: { all: 2 } });
  });

  it.each([
    ['priority', { Error: 1, Critical: 2, Warning: 1 }],
    ['source', { k8s_audit: 1 }],
    ['hostname', { 'node-2': 2, 'node-3': 1 }],
    ['tags', { filesystem: 1, mitre_persistence: 1, k8s: 1, shell: 3, container: 3 }],
  ])('groups by %s', async (field, expected) => {
    const { body } = await get(`/api/v1/events/count/${field}?since=1d&hostname=node-2,node-3,node-1`);
    const results = body.results as Record<string, number>;
    for (const [key, n] of Object.entries(expected)) expect(results[key]).toBe(n);
    const sum = Object.values(results).reduce((a, b) => a + b, 0);
    expect(body.statistics).toEqual({ distincts: Object.keys(results).length, all: sum });
  });

  it('groups by rule under a filter', async () => {
    const { body } = await get('/api/v1/events/count/rule?priority=Critical');
    expect(body).toEqual({ results: { 'Launch Privileged Container': 1, 'Terminal shell in container': 1 }, statistics: { distincts: 2, all: 2 } });
  });
});

describe('events/:uuid', () => {
  it('returns the alert with its delivery status per output', async () => {
    const { status, body } = await get(`/api/v1/events/${seeded[0]!.uuid}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      event: seeded[0],
      delivery: [
        { output: 'slack', state: 'dead', attempts: 5, error: 'HTTP 500' },
        // An enabled output without a record: the router did not send the alert there.
        { output: 'webhook', state: 'skipped', error: 'not routed to this output (below its minimum priority, or filtered out)' },
      ],
    });
  });

  it('answers 404 with a code for an unknown uuid', async () => {
    const { status, body } = await get('/api/v1/events/00000000-0000-4000-8000-000000000000');
    expect(status).toBe(404);
    expect(body.code).toBe('SAKER_ERR_UI_NOT_FOUND');
  });
});

describe('timeline', () => {
  it('counts per bucket and priority over the since window', async () => {
    const { status, body } = await get('/api/v1/timeline?since=1h&buckets=12');
    expect(status).toBe(200);
    expect(body.times).toHaveLength(12);
    expect(body.step).toBe(5 * 60_000);
    const total = (p: string): number => (body.counts[p] ?? []).reduce((a: number, b: number) => a + b, 0);
    expect(total('Critical')).toBe(2);
    expect(total('Warning')).toBe(1);
    expect(body.counts.Error).toBeUndefined();
  });

  it('spans the stored alerts when no since is given and honours filters', async () => {
    const { body } = await get('/api/v1/timeline?priority=Error&buckets=5');
    expect(body.counts.Error.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(Object.keys(body.counts)).toEqual(['Error']);
  });
});

describe('metadata endpoints', () => {
  it('lists outputs, configuration without credentials, version and health', async () => {
    expect((await get('/api/v1/outputs')).body).toEqual(['slack', 'webhook']);
    const config = (await get('/api/v1/configuration')).body;
    expect(config).toMatchObject({ 'listen-address': '127.0.0.1', credentials: '', 'disable-auth': true, ttl: 7 * 86_400 });
    const version = (await get('/api/v1/version')).body;
    expect(version.gitVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.alertSchema).toBe('1.0.0');
    expect((await get('/api/v1/healthz')).body).toEqual({ status: 'ok' });
  });
});

describe('stream', () => {
  it('sends new alerts matching the filters as server-sent events', async () => {
    // `after` makes the stream start from now even if it subscribes after the inserts below.
    const events = readEvents(`${ui.url}/api/v1/stream?priority=Critical&hostname=live-host&after=${store.lastSeq()}`, 2, 5000);
    const wanted = [alertAt(0, { priority: 'Critical', hostname: 'live-host' }), alertAt(0, { priority: 'Critical', hostname: 'live-host' })];
    store.insert([alertAt(0, { priority: 'Notice', hostname: 'live-host' }), wanted[0]!]);
    store.add(alertAt(0, { priority: 'Critical', hostname: 'other' }));
    store.add(wanted[1]!);
    seeded.push(...wanted);
    const received = await events;
    expect(received.map((e) => (JSON.parse(e.data) as Alert).uuid)).toEqual(wanted.map((a) => a.uuid));
    expect(Number(received[1]!.id)).toBeGreaterThan(Number(received[0]!.id));
  });

  it('replays what was missed after Last-Event-ID on reconnect', async () => {
    const before = store.lastSeq();
    const missed = alertAt(0, { hostname: 'replay-host' });
    store.insert([missed]);
    const events = await readEvents(`${ui.url}/api/v1/stream?hostname=replay-host`, 1, 5000, { 'last-event-id': String(before) });
    expect(events.map((e) => (JSON.parse(e.data) as Alert).uuid)).toEqual([missed.uuid]);
    const fromCursor = await readEvents(`${ui.url}/api/v1/stream?hostname=replay-host&after=${before}`, 1, 5000);
    expect(fromCursor).toHaveLength(1);
  });

  it('answers with event-stream headers', async () => {
    const controller = new AbortController();
    const response = await fetch(`${ui.url}/api/v1/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    controller.abort();
  });
});

describe('export', () => {
  it('streams the filtered set as JSON lines, newest first', async () => {
    const response = await fetch(`${ui.url}/api/v1/export?format=jsonl&priority=Error,Warning`);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toContain('saker-alerts.jsonl');
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(lines.map((a) => a.uuid)).toEqual(idx(4, 0));
  });

  it('writes CSV with quoting and neutralises spreadsheet formulas', async () => {
    const response = await fetch(`${ui.url}/api/v1/export?format=csv&since=1h&priority=Critical&hostname=node-1`);
    const text = await response.text();
    const [header, row, ...rest] = text.split('\r\n');
    expect(header).toBe('time,priority,rule,source,hostname,tags,output,output_fields,uuid');
    expect(rest.filter((l) => l !== '')).toEqual([]);
    expect(row).toContain(seeded[2]!.uuid);
    // The field JSON holds a quote and a comma, so the cell is quoted and quotes are doubled.
    expect(row).toContain('"{""proc.cmdline"":""=HYPERLINK(\\""http://evil\\"")"",""fd.name"":""/tmp/x,y""}"');
  });

  it('exports many alerts in full', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => alertAt(0.001 * i, { hostname: 'bulk-host' }));
    store.insert(many);
    seeded.push(...many);
    const text = await (await fetch(`${ui.url}/api/v1/export?hostname=bulk-host`)).text();
    expect(new Set(text.trim().split('\n').map((l) => (JSON.parse(l) as Alert).uuid)).size).toBe(1500);
  });
});

describe('POST /api/v1/ (falcosidekick webui output)', () => {
  it('stores an event posted the way falcosidekick posts to falcosidekick-ui', async () => {
    const response = await fetch(`${ui.url}/api/v1/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event: { time: '2026-11-22T10:00:00.123456789Z', rule: 'Posted by falcosidekick', priority: 'warning', output: 'posted', output_fields: { 'proc.name': 'sh' }, tags: ['fsk'] },
        outputs: ['WebUI', 'Slack'],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toBe('{}');
    let found: { body: { results: Alert[] } } | undefined;
    for (let i = 0; i < 50 && !found?.body.results.length; i++) {
      found = await get('/api/v1/events/search?rule=Posted%20by%20falcosidekick');
      if (!found.body.results.length) await new Promise((r) => setTimeout(r, 20));
    }
    const [stored] = found!.body.results;
    expect(stored).toMatchObject({ rule: 'Posted by falcosidekick', priority: 'Warning', source: 'syscalls', tags: ['fsk'] });
    expect(stored!.uuid).toMatch(/^[0-9a-f-]{36}$/);
    seeded.push(stored!);
  });

  it('answers 400 with a reason for a malformed event', async () => {
    const response = await fetch(`${ui.url}/api/v1/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: { rule: 'no time' }, outputs: [] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('SAKER_ERR_UI_BAD_PARAM');
  });
});

describe('static app', () => {
  it('serves the app with a Content-Security-Policy that forbids inline script', async () => {
    const response = await fetch(`${ui.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Saker</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves hashed assets as immutable and refuses unknown assets and path traversal', async () => {
    const asset = await fetch(`${ui.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${ui.url}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${ui.url}/..%2f..%2fetc%2fpasswd`);
    expect(traversal.status).toBe(404);
  });

  it('answers client-side routes with the app', async () => {
    const response = await fetch(`${ui.url}/alerts?priority=Critical`);
    expect(await response.text()).toContain('<title>Saker</title>');
  });
});
