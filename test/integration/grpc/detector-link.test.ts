import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { AlertEmitter, AlertSpool, GrpcSink } from '../../../detector/emit/index.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { removeDataDirs, startSidekick, until, webhookRoute, type RunningSidekick } from '../sidekick/harness.js';

let peer: HttpPeer;
let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  peer = await startHttpPeer(() => ({ status: 200 }));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  peer.requests.length = 0;
});
afterAll(async () => {
  await peer.close();
  removeDataDirs();
});

/** A port nothing listens on yet, so the sidekick can come up on it later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function sidekickOn(port: number, dataDir?: string): Promise<RunningSidekick> {
  return startSidekick({
    env: { GRPC_ENABLED: 'true' },
    dataDir,
    routes: () => [webhookRoute('webhook', peer.url)],
    tweak: (config) => {
      config.grpc.listenport = port;
    },
  });
}

function detectorLink(port: number): AlertEmitter {
  dir = mkdtempSync(join(tmpdir(), 'saker-grpc-link-'));
  const spool = new AlertSpool(join(dir, 'spool.db'), { maxAlerts: 10_000 });
  const emitter = new AlertEmitter({
    spool,
    sink: new GrpcSink({ address: `127.0.0.1:${port}`, timeoutMs: 5000 }),
    maxBatch: 50,
    backoff: { initialMs: 20, maxMs: 200 },
  });
  const spoolDir = dir;
  cleanups.push(async () => {
    await emitter.close(0);
    spool.close();
    rmSync(spoolDir, { recursive: true, force: true });
  });
  emitter.start();
  return emitter;
}

const alert = (n: number): Alert => ({
  time: '2026-11-22T10:00:00.000000000Z',
  rule: 'gRPC link test',
  priority: 'Error',
  source: 'syscall',
  hostname: 'host-1',
  output: `10:00:00.000000000: Error link test ${n}`,
  output_fields: { 'evt.num': n, 'proc.name': 'cat' },
  tags: ['saker'],
});

/** uuids delivered to the webhook, per `evt.num`. */
function deliveredUuids(): Map<number, string[]> {
  const seen = new Map<number, string[]>();
  for (const request of peer.requests) {
    const body = JSON.parse(request.body) as Alert;
    const n = body.output_fields['evt.num'] as number;
    seen.set(n, [...(seen.get(n) ?? []), body.uuid as string]);
  }
  return seen;
}

describe('detector → sidekick over gRPC (GrpcSink)', () => {
  it('keeps alerts while the sidekick is down and delivers each exactly once when it comes up', async () => {
    const port = await freePort();
    const emitter = detectorLink(port);
    for (let n = 0; n < 300; n++) emitter.emit(alert(n));
    await until('failed attempts against the absent sidekick', () => emitter.stats().failedAttempts >= 2);
    expect(emitter.stats()).toMatchObject({ sent: 0, queued: 300, dropped: 0 });

    const sidekick = await sidekickOn(port);
    cleanups.push(() => sidekick.stop());
    await until('every alert sent', () => emitter.stats().sent === 300, 20_000);
    await peer.waitForRequests(300, 20_000);

    const seen = deliveredUuids();
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...Array(300).keys()]);
    expect([...seen.values()].every((uuids) => uuids.length === 1)).toBe(true);
    expect(new Set([...seen.values()].flat()).size).toBe(300);
    expect(emitter.stats()).toMatchObject({ queued: 0, rejected: 0, dropped: 0 });
  });

  it('loses nothing across a sidekick restart mid-stream; a repeated delivery carries the same uuid', async () => {
    const port = await freePort();
    const emitter = detectorLink(port);
    const first = await sidekickOn(port);
    for (let n = 0; n < 200; n++) emitter.emit(alert(n));
    await until('some alerts sent', () => emitter.stats().sent >= 50, 20_000);
    await first.stop(0);
    for (let n = 200; n < 400; n++) emitter.emit(alert(n));
    await until('a failed attempt while the sidekick is away', () => emitter.stats().failedAttempts >= 1, 20_000);

    const second = await sidekickOn(port, first.dataDir);
    cleanups.push(() => second.stop());
    await until('every alert sent', () => emitter.stats().sent === 400, 30_000);
    await until('every alert delivered', () => deliveredUuids().size === 400, 30_000);

    const seen = deliveredUuids();
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([...Array(400).keys()]);
    for (const uuids of seen.values()) expect(new Set(uuids).size).toBe(1);
    expect(emitter.stats()).toMatchObject({ queued: 0, rejected: 0, dropped: 0 });
  });
});
