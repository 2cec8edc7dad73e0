/**
 * Output benchmark (issue #7). For each output — webhook (local HTTP peer), Slack (local Slack-like
 * webhook), Kafka (librdkafka mock cluster), SNS (fauxqs):
 *   - alerts/s delivered through a running sidekick (HTTP ingest → outbox on disk → delivery queue →
 *     output → peer acknowledgement), next to a baseline measured in the same run: the same payloads
 *     sent by the bare client (an undici POST loop, a kafkajs producer, an SNS client) with the same
 *     concurrency and batch size;
 *   - for the HTTP peers, end-to-end latency (p50/p99) from `POST /` to the peer receiving the alert,
 *     at a steady 1,000 alerts/s (Slack: 200/s).
 * Processes, as in a deployment: this process runs only the sender under test — the sidekick, or the
 * bare client of the baseline. The "world" around it runs in one child process (this file with
 * `--world`): the HTTP peers, fauxqs, and the load generator that posts alerts to the sidekick's
 * ingest (the webhook's peer is `lean-webhook-receiver.ts`: it shares the machine's cores with the
 * sender, where a real receiver would not). Baseline and sidekick talk to the same peers in that child, and latency is measured there
 * (send and receipt on one clock). The Kafka mock cluster is its own process (kcat); nothing reads
 * the bench topic back (its consumer would cost ten times the broker's CPU), delivery is checked from
 * the topic's offsets. Kafka's baseline is the fastest of several ways of driving plain kafkajs (1–8
 * produce requests in flight, the output's messages, acks=all); it also reports the sidekick's ingest
 * alone, which caps the end-to-end figure (see `benchKafka`).
 * Delivery guarantees stay on (outbox, retries, acknowledgements); `outputs.maxconcurrentrequests` is
 * 64 and Slack's per-channel rate limit is off (`slack.ratelimit: 0`) so the transport is measured.
 * The machine's load average is recorded with the results: on a shared machine only the ratios of one
 * run compare. Prints the figures and writes bench/results/outputs.json. Not a test: nothing passes or
 * fails on time.
 *
 *   npx tsx bench/outputs.ts [--scale 1] [--only webhook,slack,kafka,sns]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Admin, type Message } from 'kafkajs';
import { Pool } from 'undici';
import { loadConfig } from '../common/config/index.js';
import { createLogger } from '../common/logger.js';
import { stringifyJson, type Alert } from '../contract/index.js';
import { createSidekick, Outbox, routesFromConfig, type Sidekick } from '../sidekick/index.js';
import '../outputs/index.js'; // loads every output type's code, which routesFromConfig builds from
import { startHttpPeer, type HttpPeer } from '../test/support/peers/http-peer.js';
import { startBlackhole } from '../test/support/peers/blackhole.js';
import { startLeanReceiver, type LeanReceiver } from './lean-webhook-receiver.js';
import { startKafkaMockBroker, type KafkaMockBroker } from '../test/support/peers/kafka-broker.js';
import { snsMessage } from '../outputs/sns/message.js';
import { FAUXQS_CREDENTIALS, FAUXQS_REGION, startSnsPeer, type SnsPeer } from '../test/support/peers/fauxqs.js';

const scaleFlag = process.argv.indexOf('--scale');
const SCALE = scaleFlag > 0 ? Number(process.argv[scaleFlag + 1]) : 1;
const CONCURRENCY = 64;
const INGEST_BATCH = 100;
const SEQ_FIELD = 'bench.seq';

function alert(seq: number): Omit<Alert, 'uuid'> {
  return {
    time: new Date().toISOString(),
    rule: 'Terminal shell in container',
    priority: 'Critical',
    source: 'syscall',
    hostname: `node-${seq % 20}`,
    output: `10:00:00.000000000: Critical A shell was spawned in a container with an attached terminal (user=root shell=bash parent=runc cmdline=bash -i container_id=3ad7b26ded6d image=nginx seq=${seq})`,
    output_fields: {
      'container.id': '3ad7b26ded6d',
      'container.image.repository': 'nginx',
      'evt.time': 1795000000000000000 + seq,
      'k8s.ns.name': 'prod',
      'k8s.pod.name': 'web-7d4b9c6f5-x2x9q',
      'proc.cmdline': 'bash -i',
      'proc.name': 'bash',
      'proc.pname': 'runc',
      'user.name': 'root',
      [SEQ_FIELD]: seq,
    },
    tags: ['container', 'shell', 'mitre_execution', 'T1059'],
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 0): number => Number(n.toFixed(digits));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` and returns its result with the CPU time this process spent meanwhile, in µs per
 * alert: on a shared, loaded machine a steadier measure of cost than alerts/s.
 */
async function withCpu<T>(alerts: number, work: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return [result, round((used.user + used.system) / alerts, 1)];
}

/** Runs `task` for items 0..count-1 with at most `concurrency` in flight. */
async function pooled(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function post(pool: Pool, path: string, body: unknown): Promise<void> {
  const response = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`ingest answered ${response.statusCode}`);
}

// ---------------------------------------------------------------------------------------------------
// The world (child process): peers, fauxqs and the ingest load generator, driven over IPC.

/** What the parent asks the world to do; each call is answered with `{ id, result }` or `{ id, error }`. */
type WorldCall =
  | { cmd: 'peer'; kind: 'webhook' | 'slack' }
  | { cmd: 'sns' }
  | { cmd: 'clear' }
  | { cmd: 'received'; count: number }
  | { cmd: 'ingest'; url: string; count: number }
  | { cmd: 'latency'; url: string; count: number; rate: number };

const webhookSeq = (body: string): number | undefined => (JSON.parse(body) as Alert).output_fields[SEQ_FIELD] as number | undefined;
const slackSeq = (body: string): number | undefined => {
  const payload = JSON.parse(body) as { attachments?: { fields?: { title: string; value: string }[] }[] };
  const value = payload.attachments?.[0]?.fields?.find((field) => field.title === SEQ_FIELD)?.value;
  return value === undefined ? undefined : Number(value);
};
const SEQ_OF = { webhook: webhookSeq, slack: slackSeq } as const;

async function runWorld(): Promise<void> {
  const received = new Map<number, number>();
  let arrivals = 0;
  const peers: (HttpPeer | LeanReceiver)[] = [];
  const snsPeers: SnsPeer[] = [];
  const pools = new Map<string, Pool>();
  const ingestPool = (url: string): Pool => {
    let pool = pools.get(url);
    if (!pool) pools.set(url, (pool = new Pool(url, { connections: 8, pipelining: 1 })));
    return pool;
  };

  /** Posts `count` alerts in batches of INGEST_BATCH, 4 requests in flight. */
  const ingest = async (url: string, count: number): Promise<null> => {
    const pool = ingestPool(url);
    await pooled(Math.ceil(count / INGEST_BATCH), 4, async (b) => {
      const size = Math.min(INGEST_BATCH, count - b * INGEST_BATCH);
      await post(pool, '/batch', Array.from({ length: size }, (_, i) => alert(b * INGEST_BATCH + i)));
    });
    return null;
  };

  /** Posts alerts one per request at `rate`/s; latency = peer receipt − POST start, both on this process's clock. */
  const latency = async (url: string, count: number, rate: number): Promise<{ p50Ms: number; p99Ms: number }> => {
    const pool = ingestPool(url);
    const sentAt = new Map<number, number>();
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    const base = 10_000_000;
    let seq = 0;
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    while (seq < count) {
      const wait = start + (seq / perTick) * tickMs - performance.now();
      if (wait > 0) await sleep(wait);
      for (let i = 0; i < perTick && seq < count; i++, seq++) {
        const id = base + seq;
        sentAt.set(id, performance.now());
        inFlight.push(post(pool, '/', alert(id)));
      }
    }
    await Promise.all(inFlight);
    while ([...sentAt.keys()].some((id) => !received.has(id))) await sleep(5);
    const latencies = [...sentAt].map(([id, at]) => (received.get(id) as number) - at).sort((a, b) => a - b);
    return { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2) };
  };

  const calls: { [K in WorldCall['cmd']]: (call: Extract<WorldCall, { cmd: K }>) => Promise<unknown> } = {
    async peer({ kind }) {
      const seqOf = SEQ_OF[kind];
      const arrived = (body: string): void => {
        arrivals++;
        const seq = seqOf(body);
        if (seq !== undefined) received.set(seq, performance.now());
      };
      if (kind === 'webhook') {
        // A receiver on another machine costs the sender nothing; here it shares the cores, so it is
        // the lean one (reads each body, answers 200) rather than Node's HTTP server (see its file).
        const receiver = await startLeanReceiver((body) => arrived(body.toString('utf8')));
        peers.push(receiver);
        return receiver.url;
      }
      // Slack's webhook answers `ok`.
      const peer = await startHttpPeer((request) => {
        arrived(request.body);
        return { status: 200, body: 'ok' };
      });
      // The peer keeps every request; a benchmark only needs the arrival times.
      const trim = setInterval(() => peer.requests.splice(0), 200);
      trim.unref();
      peers.push(peer);
      return peer.url;
    },
    async sns() {
      const sns = await startSnsPeer();
      snsPeers.push(sns);
      return { endpoint: sns.endpoint, topicArn: sns.topicWithQueue('falco-bench').topicArn };
    },
    async clear() {
      received.clear();
      arrivals = 0;
      return null;
    },
    async received({ count }) {
      while (arrivals < count) await sleep(2);
      return arrivals;
    },
    ingest: ({ url, count }) => ingest(url, count),
    latency: ({ url, count, rate }) => latency(url, count, rate),
  };
  process.on('message', (message: { id: number } & WorldCall) => {
    const run = calls[message.cmd] as (call: WorldCall) => Promise<unknown>;
    run(message).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: (error as Error).message }),
    );
  });
  // The parent closing the channel ends the world.
  process.on('disconnect', () => {
    void Promise.allSettled([...peers.map((p) => p.close()), ...snsPeers.map((s) => s.stop()), ...[...pools.values()].map((p) => p.close())]).then(() =>
      process.exit(0),
    );
  });
  process.send?.({ id: 0, result: 'ready' });
}

/** The parent's handle on the world process. */
interface World {
  call<T>(call: WorldCall): Promise<T>;
  close(): Promise<void>;
}

async function startWorld(): Promise<World> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--world'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) w?.reject(new Error(`world: ${message.error}`));
    else w?.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`world process exited with ${code}`));
  });
  await new Promise<void>((resolve, reject) => {
    waiting.set(0, { resolve: () => resolve(), reject });
  });
  return {
    call<T>(call: WorldCall): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, ...call });
      });
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The sender under test (this process).

interface RunningBench {
  sidekick: Sidekick;
  url: string;
  close(): Promise<void>;
}

async function startBenchSidekick(env: Record<string, string>, dir = mkdtempSync(join(tmpdir(), 'saker-bench-outputs-'))): Promise<RunningBench> {
  const config = loadConfig({
    env: { LISTENADDRESS: '127.0.0.1', DATADIR: dir, OUTPUTS_MAXCONCURRENTREQUESTS: '0', BODYLIMIT: String(16 * 1024 * 1024), ...env },
  });
  config.listenport = 0 as number;
  config.webui.enabled = false;
  const sidekick = createSidekick({ config, routes: routesFromConfig(config), log: createLogger({ level: 'silent', pretty: false }), env: {} });
  await sidekick.listen();
  const { port } = sidekick.app.server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    sidekick,
    url: `http://127.0.0.1:${port}`,
    close() {
      closed ??= sidekick.close(0).then(() => rmSync(dir, { recursive: true, force: true }));
      return closed;
    },
  };
}

/** The world posts `count` alerts in batches; resolves when `delivered()` holds: alerts/s end to end. */
async function throughputThroughSidekick(world: World, bench: RunningBench, count: number, delivered: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await Promise.all([world.call({ cmd: 'ingest', url: bench.url, count }), delivered()]);
  return count / ((performance.now() - started) / 1000);
}

/** Alerts/s from the first post until every ingested alert was delivered (the outbox is empty again). */
async function throughputToOutbox(world: World, bench: RunningBench, count: number): Promise<number> {
  const started = performance.now();
  await world.call({ cmd: 'ingest', url: bench.url, count });
  const ingested = performance.now();
  while (bench.sidekick.outbox.pendingCount > 0) await sleep(2);
  const done = performance.now();
  // How much of the time the ingest itself took, and how much the outbox still owed when it ended.
  console.log(`  (ingest acknowledged all ${count} after ${round(ingested - started)} ms, delivered all after ${round(done - started)} ms)`);
  return count / ((done - started) / 1000);
}

/**
 * The output path alone: `count` alerts written to a fresh outbox through `Outbox.accept` (what ingest
 * does), then a sidekick started on it; alerts/s from its start until the outbox is empty, and the
 * CPU µs per alert that took. Ingest's own cost, and the load generator's pace, stay out of it.
 */
async function drainRate(env: Record<string, string>, output: string, count: number): Promise<{ perSecond: number; cpuUsPerAlert: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-bench-outputs-'));
  const outbox = new Outbox(dir);
  for (let i = 0; i < count; i += 1000) {
    const entries = Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ alert: { ...alert(i + j), uuid: randomUUID() }, outputs: [output] }));
    outbox.accept(entries, Date.now());
  }
  outbox.close();
  const [perSecond, cpuUsPerAlert] = await withCpu(count, async () => {
    const started = performance.now();
    const bench = await startBenchSidekick(env, dir);
    try {
      while (bench.sidekick.outbox.pendingCount > 0) await sleep(2);
      return count / ((performance.now() - started) / 1000);
    } finally {
      await bench.close();
    }
  });
  return { perSecond: round(perSecond), cpuUsPerAlert };
}

/** The bare client: the same bodies POSTed with undici at the same concurrency. */
async function rawPostRate(url: string, count: number, body: (i: number) => string): Promise<number> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: CONCURRENCY });
  const started = performance.now();
  await pooled(count, CONCURRENCY, async (i) => {
    const response = await pool.request({ method: 'POST', path: target.pathname, headers: { 'content-type': 'application/json' }, body: body(i) });
    await response.body.dump();
  });
  const rate = count / ((performance.now() - started) / 1000);
  await pool.close();
  return rate;
}

interface OutputFigures {
  alerts: number;
  sidekickPerSecond: number;
  baselinePerSecond: number;
  /** CPU time of the sender's process (the sidekick, or the bare client) per alert, µs. */
  sidekickCpuUsPerAlert: number;
  baselineCpuUsPerAlert: number;
  /** The output path alone: a backlog written to the outbox beforehand, delivered by a starting sidekick (see `drainRate`). */
  fromOutbox: { perSecond: number; cpuUsPerAlert: number; ratio: number };
  baseline: string;
  ratio: number;
  targetPerSecond?: number;
  latency?: { ratePerSecond: number; alerts: number; p50Ms: number; p99Ms: number; targetP99Ms?: number };
  /** The sidekick's ingest with delivery held back (Kafka): what caps the end-to-end figure. */
  ingestAlone?: { perSecond: number; cpuUsPerAlert: number };
  /** Every way of driving the bare client that was tried; the baseline is the fastest candidate (Kafka). */
  baselineVariants?: { name: string; perSecond: number; cpuUsPerAlert: number; brokerCpuUsPerAlert?: number }[];
  /** The peer's CPU per alert while the sidekick delivered (Kafka mock cluster), µs. */
  sidekickBrokerCpuUsPerAlert?: number;
}

/** Baseline, throughput and latency for an HTTP output whose peer runs in the world. */
async function benchHttp(
  world: World,
  kind: 'webhook' | 'slack',
  options: { count: number; path: string; env: (url: string) => Record<string, string>; baselineBody: (i: number) => string; latencyRate: number; latencyCount: number },
): Promise<Omit<OutputFigures, 'baseline'>> {
  const peerUrl = `${await world.call<string>({ cmd: 'peer', kind })}${options.path}`;
  const bench = await startBenchSidekick(options.env(peerUrl));
  try {
    const [baselinePerSecond, baselineCpuUsPerAlert] = await withCpu(options.count, () => rawPostRate(peerUrl, options.count, options.baselineBody));
    await world.call({ cmd: 'clear' });
    const [sidekickPerSecond, sidekickCpuUsPerAlert] = await withCpu(options.count, () =>
      throughputThroughSidekick(world, bench, options.count, () => world.call({ cmd: 'received', count: options.count })),
    );
    await world.call({ cmd: 'clear' });
    const latency = await world.call<{ p50Ms: number; p99Ms: number }>({ cmd: 'latency', url: bench.url, count: options.latencyCount, rate: options.latencyRate });
    const drained = await drainRate(options.env(peerUrl), kind, options.count);
    return {
      fromOutbox: { ...drained, ratio: round(drained.perSecond / baselinePerSecond, 3) },
      alerts: options.count,
      sidekickPerSecond: round(sidekickPerSecond),
      baselinePerSecond: round(baselinePerSecond),
      sidekickCpuUsPerAlert,
      baselineCpuUsPerAlert,
      ratio: round(sidekickPerSecond / baselinePerSecond, 3),
      latency: { ratePerSecond: options.latencyRate, alerts: options.latencyCount, ...latency },
    };
  } finally {
    await bench.close();
  }
}

async function benchWebhook(world: World): Promise<OutputFigures> {
  const figures = await benchHttp(world, 'webhook', {
    count: Math.round(20_000 * SCALE),
    path: '/hook',
    env: (url) => ({ WEBHOOK_ADDRESS: url }),
    baselineBody: (i) => JSON.stringify({ ...alert(i), uuid: `raw-${i}` }),
    latencyRate: 1000,
    latencyCount: Math.round(5000 * SCALE),
  });
  return {
    ...figures,
    baseline: `undici POST loop, ${CONCURRENCY} in flight`,
    targetPerSecond: 10_000,
    ...(figures.latency ? { latency: { ...figures.latency, targetP99Ms: 50 } } : {}),
  };
}

async function benchSlack(world: World): Promise<OutputFigures> {
  // The baseline posts a Slack message of the same shape the output builds (attachment with fields).
  const message = (i: number) =>
    JSON.stringify({
      username: 'Saker',
      attachments: [
        {
          fallback: alert(i).output,
          color: '#e20b0b',
          text: alert(i).output,
          fields: Object.entries(alert(i).output_fields).map(([title, value]) => ({ title, value: String(value), short: true })),
          footer: 'Saker',
        },
      ],
    });
  const figures = await benchHttp(world, 'slack', {
    count: Math.round(5_000 * SCALE),
    path: '/services/T0SAKER/B0SAKER/bench',
    env: (url) => ({ SLACK_WEBHOOKURL: url, SLACK_RATELIMIT: '0' }),
    baselineBody: message,
    latencyRate: 200,
    latencyCount: Math.round(1000 * SCALE),
  });
  return { ...figures, baseline: `undici POST loop of the same Slack payload, ${CONCURRENCY} in flight` };
}

/**
 * For an output whose peer is reached by its own client (Kafka, SNS): alerts/s from ingest to the
 * outbox with the output delivering, then the output path alone (`drainRate`), next to the baseline.
 */
async function queuedOutputFigures(
  world: World,
  env: Record<string, string>,
  output: string,
  count: number,
  baseline: { perSecond: number; cpuUsPerAlert: number; name: string; targetPerSecond: number },
): Promise<OutputFigures> {
  const bench = await startBenchSidekick(env);
  try {
    const [sidekickPerSecond, sidekickCpuUsPerAlert] = await withCpu(count, () => throughputToOutbox(world, bench, count));
    await bench.close();
    const drained = await drainRate(env, output, count);
    return {
      fromOutbox: { ...drained, ratio: round(drained.perSecond / baseline.perSecond, 3) },
      alerts: count,
      sidekickPerSecond: round(sidekickPerSecond),
      baselinePerSecond: round(baseline.perSecond),
      sidekickCpuUsPerAlert,
      baselineCpuUsPerAlert: baseline.cpuUsPerAlert,
      baseline: baseline.name,
      ratio: round(sidekickPerSecond / baseline.perSecond, 3),
      targetPerSecond: baseline.targetPerSecond,
    };
  } finally {
    await bench.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Kafka

/** Alerts in one produce request: the output's default `kafka.maxbatch`. */
const KAFKA_BATCH = 500;

/** One way of driving plain kafkajs tried for the baseline, and what it came to. */
interface KafkaVariant {
  name: string;
  /** Produce requests (send() calls) in flight at once. */
  inFlight: number;
  compression: 'none' | 'gzip';
  /** The output's four headers on every message (it always sends them). */
  headers: boolean;
  /** Whether it competes for the baseline: only variants that send what the output sends do. */
  candidate: boolean;
}

interface KafkaVariantFigures {
  name: string;
  perSecond: number;
  cpuUsPerAlert: number;
  /** CPU of the mock cluster's processes per alert, µs: what the peer costs the shared machine. */
  brokerCpuUsPerAlert: number;
}

/**
 * Plain kafkajs with acks=all, batches of KAFKA_BATCH. The candidates send exactly what the output
 * sends (each alert's stored JSON with its priority/rule/source/hostname headers, no compression);
 * the fastest is the baseline. The others show what gzip and the headers cost. More partitions or
 * brokers are not tried: the mock creates topics with 4 partitions (CreateTopics needs a controller
 * it does not name), and with one broker every partition's records travel in one request anyway; a
 * 3-broker cluster measured no faster (the client's encoding is the limit, not the broker).
 */
const KAFKA_VARIANTS: readonly KafkaVariant[] = [
  ...[1, 2, 4, 8].map((inFlight) => ({ name: `${inFlight} in flight`, inFlight, compression: 'none' as const, headers: true, candidate: true })),
  { name: '4 in flight, gzip', inFlight: 4, compression: 'gzip', headers: true, candidate: false },
  { name: '4 in flight, without the headers', inFlight: 4, compression: 'none', headers: false, candidate: false },
];

/** Sum of the topic's high-water marks: messages the broker holds (at least once: never fewer than produced). */
async function kafkaStored(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

/** Produces `count` alerts with one variant; alerts/s, client and broker CPU per alert. */
async function kafkaVariantRate(broker: KafkaMockBroker, topic: string, count: number, variant: KafkaVariant): Promise<KafkaVariantFigures> {
  // Serialised beforehand: the output sends the JSON the outbox stored, it does not serialise either.
  const messages: Message[] = Array.from({ length: count }, (_, i) => {
    const a: Alert = { ...alert(i), uuid: `raw-${i}` };
    return { value: stringifyJson(a), ...(variant.headers ? { headers: { priority: a.priority, rule: a.rule, source: a.source, hostname: a.hostname } } : {}) };
  });
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING });
  // No in-flight limit of kafkajs's own: `inFlight` concurrent send() calls are the limit.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const compression = variant.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  // Connection and metadata out of the measurement, as for a sidekick that has been delivering already.
  await producer.send({ topic, acks: -1, compression, messages: [{ value: 'warm-up' }] });
  const brokerBefore = broker.cpuMs();
  const [perSecond, cpuUsPerAlert] = await withCpu(count, async () => {
    const started = performance.now();
    await pooled(Math.ceil(count / KAFKA_BATCH), variant.inFlight, async (b) => {
      await producer.send({ topic, acks: -1, compression, messages: messages.slice(b * KAFKA_BATCH, (b + 1) * KAFKA_BATCH) });
    });
    return count / ((performance.now() - started) / 1000);
  });
  const brokerCpuUsPerAlert = round(((broker.cpuMs() - brokerBefore) * 1000) / count, 1);
  await producer.disconnect();
  return { name: variant.name, perSecond: round(perSecond), cpuUsPerAlert, brokerCpuUsPerAlert };
}

/**
 * The sidekick's ingest alone: the same load posted to a sidekick whose Kafka output points at a
 * listener that accepts connections and never answers, so deliveries wait (one batch, for minutes)
 * and ingest does all the work it does end to end (parse, validate, enrich, commit alert and delivery
 * rows) without the delivery sharing its CPU. The ceiling of the end-to-end figure on this machine.
 */
async function kafkaIngestAlone(world: World, topic: string, count: number): Promise<{ perSecond: number; cpuUsPerAlert: number }> {
  const silent = await startBlackhole();
  const bench = await startBenchSidekick({
    KAFKA_HOSTPORT: `${silent.host}:${silent.port}`,
    KAFKA_TOPIC: topic,
    KAFKA_IDEMPOTENT: 'false',
    KAFKA_TIMEOUT: '600000',
    OUTBOX_SENDTIMEOUT: '600000',
    OUTPUTS_MAXCONCURRENTREQUESTS: '1',
  });
  try {
    const [perSecond, cpuUsPerAlert] = await withCpu(count, async () => {
      const started = performance.now();
      await world.call({ cmd: 'ingest', url: bench.url, count });
      return count / ((performance.now() - started) / 1000);
    });
    return { perSecond: round(perSecond), cpuUsPerAlert };
  } finally {
    // Dropping the connections fails the waiting send, so the output's producer can disconnect.
    silent.close();
    await bench.close();
  }
}

async function benchKafka(world: World): Promise<OutputFigures> {
  const count = Math.round(50_000 * SCALE);
  const topic = 'falco-bench';
  // Nothing reads the topic back: the mock's consumer would cost the 2-core machine some 10 µs of CPU
  // per alert, ten times the broker. Delivery is checked from the topic's offsets instead.
  const broker = await startKafkaMockBroker({ topic, consume: false });
  const admin = new Kafka({ clientId: 'bench-admin', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    // Creates the topic (the output, like falcosidekick's default, does not create topics).
    await admin.fetchTopicMetadata({ topics: [topic] });
    let expected = await kafkaStored(admin, topic);
    const stored = async (phase: string, produced: number): Promise<void> => {
      expected += produced;
      const held = await kafkaStored(admin, topic);
      if (held < expected) throw new Error(`${phase}: the topic holds ${held} messages, at least ${expected} were acknowledged`);
      expected = held;
    };

    const variants: KafkaVariantFigures[] = [];
    for (const variant of KAFKA_VARIANTS) {
      variants.push(await kafkaVariantRate(broker, topic, count, variant));
      await stored(`baseline ${variant.name}`, count + 1);
    }
    const best = variants
      .filter((_, i) => KAFKA_VARIANTS[i]?.candidate)
      .reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

    const ingestAlone = await kafkaIngestAlone(world, `${topic}-unreached`, count);

    const env = { KAFKA_HOSTPORT: broker.brokers, KAFKA_TOPIC: topic, KAFKA_IDEMPOTENT: 'false' };
    const brokerBefore = broker.cpuMs();
    const figures = await queuedOutputFigures(world, env, 'kafka', count, {
      perSecond: best.perSecond,
      cpuUsPerAlert: best.cpuUsPerAlert,
      name: `kafkajs producer, acks=all, batches of ${KAFKA_BATCH}, the output's messages (stored JSON + 4 headers), no compression, ${best.name} (the fastest of the in-flight counts tried)`,
      targetPerSecond: 50_000,
    });
    const sidekickBrokerCpuUsPerAlert = round(((broker.cpuMs() - brokerBefore) * 1000) / (2 * count), 1);
    await stored('sidekick (end to end, then from the outbox)', 2 * count);
    return { ...figures, ingestAlone, baselineVariants: variants, sidekickBrokerCpuUsPerAlert };
  } finally {
    await admin.disconnect().catch(() => {});
    await broker.stop();
  }
}

async function benchSns(world: World): Promise<OutputFigures> {
  const count = Math.round(5_000 * SCALE);
  const { endpoint, topicArn } = await world.call<{ endpoint: string; topicArn: string }>({ cmd: 'sns' });
  // Baseline: PublishBatch of 10 messages as the output builds them (text and message attributes), as
  // many calls in flight as the sidekick allows.
  const client = new SNSClient({
    region: FAUXQS_REGION,
    endpoint,
    credentials: { accessKeyId: FAUXQS_CREDENTIALS.accesskeyid, secretAccessKey: FAUXQS_CREDENTIALS.secretaccesskey },
  });
  const [baselinePerSecond, baselineCpuUsPerAlert] = await withCpu(count, async () => {
    const started = performance.now();
    await pooled(Math.ceil(count / 10), CONCURRENCY, async (b) => {
      await client.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: Array.from({ length: Math.min(10, count - b * 10) }, (_, j) => {
            const { body, attributes } = snsMessage({ ...alert(b * 10 + j), uuid: `raw-${b * 10 + j}` }, false);
            return { Id: String(j), Message: body, ...(attributes ? { MessageAttributes: attributes } : {}) };
          }),
        }),
      );
    });
    return count / ((performance.now() - started) / 1000);
  });
  client.destroy();

  const env = {
    AWS_ACCESSKEYID: FAUXQS_CREDENTIALS.accesskeyid,
    AWS_SECRETACCESSKEY: FAUXQS_CREDENTIALS.secretaccesskey,
    AWS_SNS_TOPICARN: topicArn,
    AWS_SNS_ENDPOINT: endpoint,
  };
  return queuedOutputFigures(world, env, 'sns', count, {
    perSecond: baselinePerSecond,
    cpuUsPerAlert: baselineCpuUsPerAlert,
    name: `SNS client PublishBatch of 10 (same text and attributes), ${CONCURRENCY} calls in flight`,
    targetPerSecond: 2_000,
  });
}

const BENCHES: readonly [name: string, run: (world: World) => Promise<OutputFigures>][] = [
  ['webhook', benchWebhook],
  ['slack', benchSlack],
  ['kafka', benchKafka],
  ['sns', benchSns],
];

async function main(): Promise<void> {
  const onlyFlag = process.argv.indexOf('--only');
  const only = onlyFlag > 0 ? new Set((process.argv[onlyFlag + 1] ?? '').split(',')) : undefined;
  const outputs: Record<string, OutputFigures | { error: string }> = {};
  const loadBefore = loadavg();
  const world = await startWorld();
  try {
    for (const [name, run] of BENCHES) {
      if (only && !only.has(name)) continue;
      try {
        const figures = await run(world);
        outputs[name] = figures;
        const target = figures.targetPerSecond ? `; target ≥ ${figures.targetPerSecond.toLocaleString()}/s` : '';
        console.log(
          `${name}: ${figures.sidekickPerSecond.toLocaleString()} alerts/s through the sidekick vs ${figures.baselinePerSecond.toLocaleString()}/s ${figures.baseline} (ratio ${figures.ratio}${target}); ` +
            `sender CPU ${figures.sidekickCpuUsPerAlert} µs/alert vs ${figures.baselineCpuUsPerAlert}`,
        );
        console.log(
          `${name}: from a backlog in the outbox (output path alone): ${figures.fromOutbox.perSecond.toLocaleString()} alerts/s (ratio ${figures.fromOutbox.ratio}), sender CPU ${figures.fromOutbox.cpuUsPerAlert} µs/alert`,
        );
        if (figures.ingestAlone) {
          console.log(`${name}: the sidekick's ingest alone (delivery held back): ${figures.ingestAlone.perSecond.toLocaleString()} alerts/s, ${figures.ingestAlone.cpuUsPerAlert} µs/alert`);
        }
        if (figures.sidekickBrokerCpuUsPerAlert !== undefined) {
          console.log(`${name}: the peer's CPU while the sidekick delivered: ${figures.sidekickBrokerCpuUsPerAlert} µs/alert`);
        }
        for (const v of figures.baselineVariants ?? []) {
          const peer = v.brokerCpuUsPerAlert === undefined ? '' : `, peer ${v.brokerCpuUsPerAlert} µs/alert`;
          console.log(`${name}:   bare client, ${v.name}: ${v.perSecond.toLocaleString()} alerts/s, ${v.cpuUsPerAlert} µs/alert${peer}`);
        }
        if (figures.latency) {
          const goal = figures.latency.targetP99Ms ? ` (target ≤ ${figures.latency.targetP99Ms} ms)` : '';
          console.log(`${name}: POST / → peer at ${figures.latency.ratePerSecond}/s: p50 ${figures.latency.p50Ms} ms, p99 ${figures.latency.p99Ms} ms${goal}`);
        }
      } catch (error) {
        outputs[name] = { error: (error as Error).message };
        console.log(`${name}: failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await world.close();
  }
  const loadAverage = { before: loadBefore.map((n) => round(n, 2)), after: loadavg().map((n) => round(n, 2)) };
  console.log(`load average (1, 5, 15 min): before ${loadAverage.before.join(' ')}, after ${loadAverage.after.join(' ')}`);

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage,
    settings: { outputsMaxConcurrentRequests: CONCURRENCY, ingestBatch: INGEST_BATCH, slackRateLimit: 0, scale: SCALE, processes: 'sender | world (peers, fauxqs, load generator) | kafka mock cluster' },
    outputs,
  };
  // A partial run (--only) prints its figures but keeps the recorded results of the last full run.
  if (!only) {
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('./results/outputs.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  }
}

if (process.argv.includes('--world')) await runWorld();
else await main();
