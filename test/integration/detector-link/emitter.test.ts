import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { waitFor } from '../../support/wait.js';
import { AlertEmitter, AlertSpool, HttpSink } from '../../../detector/emit/index.js';

/** A sidekick stand-in on loopback that records what arrives and answers as told. */
class Receiver {
  readonly requests: { path: string; body: unknown; at: number }[] = [];
  reply: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end('{}');
  private server: Server | undefined;

  async start(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', body: JSON.parse(text), at: Date.now() });
        this.reply(req, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Every alert received through /batch, in arrival order. */
  get batchedRules(): string[] {
    return this.requests.filter((r) => r.path === '/batch').flatMap((r) => (r.body as Alert[]).map((a) => a.rule));
  }
}

const alert = (i: number): Alert => ({
  time: '2026-11-22T10:00:00.000000000Z',
  rule: `rule-${i}`,
  priority: 'Warning',
  source: 'syscall',
  hostname: 'test-host',
  output: `output ${i}`,
  output_fields: { 'proc.name': 'cat', n: i },
  tags: ['test'],
});

const until = (condition: () => boolean, what: string): Promise<true> => waitFor(() => condition() || undefined, what, { limitMs: 10_000, everyMs: 10 });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(options: { url: string; batch?: boolean; maxAlerts?: number; file?: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'saker-spool-'));
  const spool = new AlertSpool(options.file ?? join(dir, 'spool.db'), { maxAlerts: options.maxAlerts ?? 100_000 });
  const sink = new HttpSink({ url: options.url, batch: options.batch ?? true, timeoutMs: 2_000 });
  const emitter = new AlertEmitter({ spool, sink, maxBatch: 100, backoff: { initialMs: 20, maxMs: 200 } });
  emitter.start();
  cleanups.push(async () => {
    await emitter.close(0);
    spool.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { emitter, spool };
}

describe('detector → sidekick link', () => {
  it('delivers alerts in order, batched, to <url>batch', async () => {
    const receiver = new Receiver();
    const port = await receiver.start();
    cleanups.push(() => receiver.stop());
    const { emitter } = setup({ url: `http://127.0.0.1:${port}/` });
    for (let i = 0; i < 250; i++) emitter.emit(alert(i));
    await until(() => receiver.batchedRules.length === 250 && emitter.stats().sent === 250, 'all alerts acknowledged');
    expect(receiver.batchedRules).toEqual(Array.from({ length: 250 }, (_, i) => `rule-${i}`));
    expect(receiver.requests.length).toBeLessThan(250);
    expect(emitter.stats()).toMatchObject({ queued: 0, sent: 250, dropped: 0 });
  });

  it('keeps alerts while the sidekick is down and delivers each once when it comes back', async () => {
    const receiver = new Receiver();
    const port = await receiver.start();
    await receiver.stop();
    const { emitter } = setup({ url: `http://127.0.0.1:${port}/` });
    for (let i = 0; i < 500; i++) emitter.emit(alert(i));
    await until(() => emitter.stats().failedAttempts >= 2, 'failed attempts while down');
    expect(emitter.stats().queued).toBe(500);

    await receiver.start(port);
    cleanups.push(() => receiver.stop());
    await until(() => emitter.stats().sent === 500, 'delivery after recovery');
    expect(receiver.batchedRules).toEqual(Array.from({ length: 500 }, (_, i) => `rule-${i}`));
    expect(emitter.stats()).toMatchObject({ queued: 0, sent: 500 });
  });

  it('keeps undelivered alerts on disk across a detector restart', async () => {
    const receiver = new Receiver();
    const port = await receiver.start();
    await receiver.stop();
    const dir = mkdtempSync(join(tmpdir(), 'saker-spool-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'spool.db');

    const first = new AlertSpool(file, { maxAlerts: 1000 });
    const firstEmitter = new AlertEmitter({
      spool: first,
      sink: new HttpSink({ url: `http://127.0.0.1:${port}/`, batch: true, timeoutMs: 1000 }),
      maxBatch: 50,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    firstEmitter.start();
    for (let i = 0; i < 120; i++) firstEmitter.emit(alert(i));
    await firstEmitter.close(50);
    first.close();

    await receiver.start(port);
    cleanups.push(() => receiver.stop());
    setup({ url: `http://127.0.0.1:${port}/`, file });
    await until(() => receiver.batchedRules.length >= 120, 'delivery after restart');
    expect(receiver.batchedRules).toEqual(Array.from({ length: 120 }, (_, i) => `rule-${i}`));
  });

  it('bounds the spool: the oldest alerts are dropped and counted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-spool-bound-'));
    const spool = new AlertSpool(join(dir, 'spool.db'), { maxAlerts: 10 });
    cleanups.push(() => {
      spool.close();
      rmSync(dir, { recursive: true, force: true });
    });
    expect(spool.push(Array.from({ length: 25 }, (_, i) => alert(i)))).toBe(15);
    expect(spool.depth()).toBe(10);
    expect(spool.dropped).toBe(15);
    expect(spool.peek(100).map((row) => row.alert.rule)).toEqual(Array.from({ length: 10 }, (_, i) => `rule-${i + 15}`));
  });

  it('posts one alert per request to the URL itself in Falco http_output mode', async () => {
    const receiver = new Receiver();
    const port = await receiver.start();
    cleanups.push(() => receiver.stop());
    const { emitter } = setup({ url: `http://127.0.0.1:${port}/`, batch: false });
    for (let i = 0; i < 5; i++) emitter.emit(alert(i));
    await until(() => receiver.requests.length === 5, 'five requests');
    expect(receiver.requests.map((r) => [r.path, (r.body as Alert).rule])).toEqual(
      Array.from({ length: 5 }, (_, i) => ['/', `rule-${i}`]),
    );
  });

  it('drops and counts a batch the sidekick rejects as invalid, then carries on', async () => {
    const receiver = new Receiver();
    let calls = 0;
    receiver.reply = (_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid"}');
      else res.writeHead(200).end('{}');
    };
    const port = await receiver.start();
    cleanups.push(() => receiver.stop());
    const { emitter } = setup({ url: `http://127.0.0.1:${port}/`, batch: false });
    emitter.emit(alert(0));
    await until(() => emitter.stats().rejected === 1, 'the rejection');
    emitter.emit(alert(1));
    await until(() => emitter.stats().sent === 1, 'the next alert');
    expect(receiver.requests.map((r) => (r.body as Alert).rule)).toEqual(['rule-0', 'rule-1']);
  });

  it('waits at least as long as Retry-After asks before trying again', async () => {
    const receiver = new Receiver();
    let calls = 0;
    receiver.reply = (_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(200).end('{}');
    };
    const port = await receiver.start();
    cleanups.push(() => receiver.stop());
    const { emitter } = setup({ url: `http://127.0.0.1:${port}/` });
    emitter.emit(alert(0));
    await until(() => receiver.requests.length === 2, 'the retry');
    const [first, second] = receiver.requests;
    // A sleep never ends early, so this lower bound cannot flake on a slow machine.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    // The receiver sees the retry before the emitter has read the answer to it.
    await until(() => emitter.stats().sent === 1, 'the retry to be counted as sent');
    expect(emitter.stats()).toMatchObject({ sent: 1, failedAttempts: 1 });
  });
});
