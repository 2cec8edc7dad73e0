/**
 * Output benchmark (issue #7). For each output — webhook (local HTTP peer), Slack (local Slack-like
 * webhook), Kafka (librdkafka mock cluster), SNS (fauxqs) — in one process:
 *   - alerts/s delivered through a running sidekick (HTTP ingest → outbox on disk → delivery queue →
 *     output → peer acknowledgement), next to a baseline measured in the same run: the same payloads
 *     sent by the bare client (an undici POST loop, a kafkajs producer, an SNS client) with the same
 *     concurrency and batch size;
 *   - for the HTTP peers, end-to-end latency (p50/p99) from `POST /` to the peer receiving the alert,
 *     at a steady 1,000 alerts/s (Slack: 200/s).
 * Delivery guarantees stay on (outbox, retries, acknowledgements); `outputs.maxconcurrentrequests` is
 * 64 and Slack's per-channel rate limit is off (`slack.ratelimit: 0`) so the transport is measured.
 * Prints the figures and writes bench/results/outputs.json. Not a test: nothing passes or fails on time.
 *
 *   npx tsx bench/outputs.ts [--scale 1] [--only webhook,slack,kafka,sns]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'undici';
import { loadConfig } from '../common/config/index.js';
import { createLogger } from '../common/logger.js';
import type { Alert } from '../contract/index.js';
import { createSidekick, routesFromConfig, type Sidekick } from '../sidekick/index.js';
import { startHttpPeer, type HttpPeer } from '../test/support/peers/http-peer.js';
import { startKafkaMockBroker } from '../test/support/peers/kafka-broker.js';
import { FAUXQS_CREDENTIALS, FAUXQS_REGION, startSnsPeer } from '../test/support/peers/fauxqs.js';

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

/** Runs `task` for items 0..count-1 with at most `concurrency` in flight. */
async function pooled(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

interface RunningBench {
  sidekick: Sidekick;
  ingest: Pool;
  dir: string;
  close(): Promise<void>;
}

async function startBenchSidekick(env: Record<string, string>): Promise<RunningBench> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-bench-outputs-'));
  const config = loadConfig({
    env: { LISTENADDRESS: '127.0.0.1', DATADIR: dir, OUTPUTS_MAXCONCURRENTREQUESTS: '0', BODYLIMIT: String(16 * 1024 * 1024), ...env },
  });
  config.listenport = 0 as number;
  config.webui.enabled = false;
  const sidekick = createSidekick({ config, routes: routesFromConfig(config), log: createLogger({ level: 'silent', pretty: false }), env: {} });
  await sidekick.listen();
  const { port } = sidekick.app.server.address() as AddressInfo;
  const ingest = new Pool(`http://127.0.0.1:${port}`, { connections: 8, pipelining: 1 });
  return {
    sidekick,
    ingest,
    dir,
    async close() {
      await ingest.close();
      await sidekick.close(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function post(pool: Pool, path: string, body: unknown): Promise<void> {
  const response = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`ingest answered ${response.statusCode}`);
}

/** Posts `count` alerts in batches and resolves when `delivered()` reaches `count`: alerts/s end to end. */
async function throughputThroughSidekick(bench: RunningBench, count: number, delivered: () => number): Promise<number> {
  const started = performance.now();
  await pooled(Math.ceil(count / INGEST_BATCH), 4, async (b) => {
    const size = Math.min(INGEST_BATCH, count - b * INGEST_BATCH);
    await post(bench.ingest, '/batch', Array.from({ length: size }, (_, i) => alert(b * INGEST_BATCH + i)));
  });
  while (delivered() < count) await new Promise((resolve) => setTimeout(resolve, 2));
  return count / ((performance.now() - started) / 1000);
}

/** Posts alerts one per request at `rate`/s for `count` alerts; latency = peer receipt − POST start. */
async function latencyThroughSidekick(bench: RunningBench, count: number, rate: number, received: Map<number, number>): Promise<{ p50Ms: number; p99Ms: number }> {
  const sentAt = new Map<number, number>();
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const base = 10_000_000;
  let seq = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  while (seq < count) {
    const due = start + (seq / perTick) * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick && seq < count; i++, seq++) {
      const id = base + seq;
      sentAt.set(id, performance.now());
      inFlight.push(post(bench.ingest, '/', alert(id)));
    }
  }
  await Promise.all(inFlight);
  while ([...sentAt.keys()].some((id) => !received.has(id))) await new Promise((resolve) => setTimeout(resolve, 5));
  const latencies = [...sentAt].map(([id, at]) => (received.get(id) as number) - at).sort((a, b) => a - b);
  return { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2) };
}

/** An HTTP peer that answers 200 and notes when each alert (found by `seqOf`) arrived. */
async function recordingPeer(seqOf: (body: string) => number | undefined, reply: string): Promise<{ peer: HttpPeer; received: Map<number, number> }> {
  const received = new Map<number, number>();
  const peer = await startHttpPeer((request) => {
    const seq = seqOf(request.body);
    if (seq !== undefined) received.set(seq, performance.now());
    return { status: 200, body: reply };
  });
  // The peer keeps every request; a benchmark only needs the arrival times.
  const requests = peer.requests;
  const trim = setInterval(() => requests.splice(0), 200);
  trim.unref();
  return { peer, received };
}

const webhookSeq = (body: string): number | undefined => (JSON.parse(body) as Alert).output_fields[SEQ_FIELD] as number | undefined;
const slackSeq = (body: string): number | undefined => {
  const payload = JSON.parse(body) as { attachments?: { fields?: { title: string; value: string }[] }[] };
  const value = payload.attachments?.[0]?.fields?.find((field) => field.title === SEQ_FIELD)?.value;
  return value === undefined ? undefined : Number(value);
};

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
  baseline: string;
  ratio: number;
  targetPerSecond?: number;
  latency?: { ratePerSecond: number; alerts: number; p50Ms: number; p99Ms: number; targetP99Ms?: number };
}

async function benchWebhook(): Promise<OutputFigures> {
  const count = Math.round(20_000 * SCALE);
  const { peer, received } = await recordingPeer(webhookSeq, '');
  const bench = await startBenchSidekick({ WEBHOOK_ADDRESS: `${peer.url}/hook` });
  try {
    const baselinePerSecond = await rawPostRate(`${peer.url}/hook`, count, (i) => JSON.stringify({ ...alert(i), uuid: `raw-${i}` }));
    received.clear();
    const sidekickPerSecond = await throughputThroughSidekick(bench, count, () => received.size);
    received.clear();
    const latency = await latencyThroughSidekick(bench, Math.round(5000 * SCALE), 1000, received);
    return {
      alerts: count,
      sidekickPerSecond: round(sidekickPerSecond),
      baselinePerSecond: round(baselinePerSecond),
      baseline: `undici POST loop, ${CONCURRENCY} in flight`,
      ratio: round(sidekickPerSecond / baselinePerSecond, 3),
      targetPerSecond: 10_000,
      latency: { ratePerSecond: 1000, alerts: Math.round(5000 * SCALE), ...latency, targetP99Ms: 50 },
    };
  } finally {
    await bench.close();
    await peer.close();
  }
}

async function benchSlack(): Promise<OutputFigures> {
  const count = Math.round(5_000 * SCALE);
  const { peer, received } = await recordingPeer(slackSeq, 'ok');
  const url = `${peer.url}/services/T0SAKER/B0SAKER/bench`;
  const bench = await startBenchSidekick({ SLACK_WEBHOOKURL: url, SLACK_RATELIMIT: '0' });
  try {
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
    const baselinePerSecond = await rawPostRate(url, count, message);
    received.clear();
    const sidekickPerSecond = await throughputThroughSidekick(bench, count, () => received.size);
    received.clear();
    const latency = await latencyThroughSidekick(bench, Math.round(1000 * SCALE), 200, received);
    return {
      alerts: count,
      sidekickPerSecond: round(sidekickPerSecond),
      baselinePerSecond: round(baselinePerSecond),
      baseline: `undici POST loop of the same Slack payload, ${CONCURRENCY} in flight`,
      ratio: round(sidekickPerSecond / baselinePerSecond, 3),
      latency: { ratePerSecond: 200, alerts: Math.round(1000 * SCALE), ...latency },
    };
  } finally {
    await bench.close();
    await peer.close();
  }
}

async function benchKafka(): Promise<OutputFigures> {
  const count = Math.round(50_000 * SCALE);
  const topic = 'falco-bench';
  const broker = await startKafkaMockBroker({ topic });
  try {
    // Baseline: kafkajs with the output's settings (acks all, batches of 500), one batch at a time. The
    // mock cluster cannot give an idempotent producer its id (it names no controller), so both sides
    // run with the idempotent producer off, as the integration tests do.
    const kafka = new Kafka({ clientId: 'bench-raw', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const batch = 500;
    const started = performance.now();
    for (let i = 0; i < count; i += batch) {
      const messages = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({ value: JSON.stringify({ ...alert(i + j), uuid: `raw-${i + j}` }) }));
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
    }
    const baselinePerSecond = count / ((performance.now() - started) / 1000);
    await producer.disconnect();

    const bench = await startBenchSidekick({ KAFKA_HOSTPORT: broker.brokers, KAFKA_TOPIC: topic, KAFKA_IDEMPOTENT: 'false' });
    try {
      const sidekickPerSecond = await throughputThroughSidekick(bench, count, () => count - bench.sidekick.outbox.pendingCount);
      return {
        alerts: count,
        sidekickPerSecond: round(sidekickPerSecond),
        baselinePerSecond: round(baselinePerSecond),
        baseline: 'kafkajs producer, acks=all, batches of 500, one at a time',
        ratio: round(sidekickPerSecond / baselinePerSecond, 3),
        targetPerSecond: 50_000,
      };
    } finally {
      await bench.close();
    }
  } finally {
    await broker.stop();
  }
}

async function benchSns(): Promise<OutputFigures> {
  const count = Math.round(5_000 * SCALE);
  const sns = await startSnsPeer();
  try {
    const { topicArn } = sns.topicWithQueue('falco-bench');
    // Baseline: PublishBatch of 10 text messages, as many calls in flight as the sidekick allows.
    const client = new SNSClient({
      region: FAUXQS_REGION,
      endpoint: sns.endpoint,
      credentials: { accessKeyId: FAUXQS_CREDENTIALS.accesskeyid, secretAccessKey: FAUXQS_CREDENTIALS.secretaccesskey },
    });
    const started = performance.now();
    await pooled(Math.ceil(count / 10), CONCURRENCY, async (b) => {
      await client.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: Array.from({ length: Math.min(10, count - b * 10) }, (_, j) => ({ Id: String(j), Message: alert(b * 10 + j).output })),
        }),
      );
    });
    const baselinePerSecond = count / ((performance.now() - started) / 1000);
    client.destroy();

    const bench = await startBenchSidekick({
      AWS_ACCESSKEYID: FAUXQS_CREDENTIALS.accesskeyid,
      AWS_SECRETACCESSKEY: FAUXQS_CREDENTIALS.secretaccesskey,
      AWS_SNS_TOPICARN: topicArn,
      AWS_SNS_ENDPOINT: sns.endpoint,
    });
    try {
      const sidekickPerSecond = await throughputThroughSidekick(bench, count, () => count - bench.sidekick.outbox.pendingCount);
      return {
        alerts: count,
        sidekickPerSecond: round(sidekickPerSecond),
        baselinePerSecond: round(baselinePerSecond),
        baseline: `SNS client PublishBatch of 10, ${CONCURRENCY} calls in flight`,
        ratio: round(sidekickPerSecond / baselinePerSecond, 3),
        targetPerSecond: 2_000,
      };
    } finally {
      await bench.close();
    }
  } finally {
    await sns.stop();
  }
}

const BENCHES: readonly [name: string, run: () => Promise<OutputFigures>][] = [
  ['webhook', benchWebhook],
  ['slack', benchSlack],
  ['kafka', benchKafka],
  ['sns', benchSns],
];

const onlyFlag = process.argv.indexOf('--only');
const only = onlyFlag > 0 ? new Set((process.argv[onlyFlag + 1] ?? '').split(',')) : undefined;
const outputs: Record<string, OutputFigures | { error: string }> = {};
for (const [name, run] of BENCHES) {
  if (only && !only.has(name)) continue;
  try {
    const figures = await run();
    outputs[name] = figures;
    const target = figures.targetPerSecond ? `; target ≥ ${figures.targetPerSecond.toLocaleString()}/s` : '';
    console.log(
      `${name}: ${figures.sidekickPerSecond.toLocaleString()} alerts/s through the sidekick vs ${figures.baselinePerSecond.toLocaleString()}/s ${figures.baseline} (ratio ${figures.ratio}${target})`,
    );
    if (figures.latency) {
      const goal = figures.latency.targetP99Ms ? ` (target ≤ ${figures.latency.targetP99Ms} ms)` : '';
      console.log(`${name}: POST / → peer at ${figures.latency.ratePerSecond}/s: p50 ${figures.latency.p50Ms} ms, p99 ${figures.latency.p99Ms} ms${goal}`);
    }
  } catch (error) {
    outputs[name] = { error: (error as Error).message };
    console.log(`${name}: failed: ${(error as Error).message}`);
  }
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  settings: { outputsMaxConcurrentRequests: CONCURRENCY, ingestBatch: INGEST_BATCH, slackRateLimit: 0, scale: SCALE },
  outputs,
};
// A partial run (--only) prints its figures but keeps the recorded results of the last full run.
if (!only) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/outputs.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
}
