import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';

/** One message the broker's consumer saw (kcat -J envelope; headers decoded to an object). */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string;
  headers: Record<string, string>;
}

/** A running librdkafka mock cluster (`/work/shared/tools/kafka-mock-broker`) that records what it consumes. */
export interface KafkaMockBroker {
  /** `host:port[,…]` for the producer's `hostport`. */
  brokers: string;
  /** Every message consumed so far from the topic. */
  messages(): ConsumedMessage[];
  /** Resolves once `count` messages were consumed (bounded by `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ConsumedMessage[]>;
  /** Resolves once the consumed messages satisfy `done` (bounded by `timeoutMs`). */
  waitUntil(done: (messages: ConsumedMessage[]) => boolean, timeoutMs?: number): Promise<ConsumedMessage[]>;
  /** Freezes the broker (SIGSTOP): it accepts nothing until `resume`, like a hung or partitioned broker.
   *  Resolves once every process of the broker is really stopped (a signal is delivered asynchronously). */
  pause(): Promise<void>;
  resume(): void;
  /** CPU time (user + system, ms) the cluster's processes have used so far: what the peer costs a benchmark. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export const KAFKA_MOCK_BROKER = '/work/shared/tools/kafka-mock-broker';

/** True while something accepts TCP connections on `host:port`. */
function listening(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function parseHeaders(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = String(list[i + 1]);
  return out;
}

/** The /proc/PID/stat fields after `comm` of every process in process group `group`. */
function groupStats(group: number): string[][] {
  const stats: string[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === group) stats.push(fields);
  }
  return stats;
}

/** The states (`R`, `S`, `T`, …) of the processes in process group `group`. */
function groupStates(group: number): string[] {
  return groupStats(group).flatMap(([state]) => (state === undefined ? [] : [state]));
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux, whatever the kernel's HZ). */
const USER_HZ = 100;

/** CPU time (ms) used by the processes of group `group` so far: utime + stime, fields 14 and 15 of stat. */
function groupCpuMs(group: number): number {
  return groupStats(group).reduce((ms, fields) => ms + ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ, 0);
}

/** Waits (up to 5 s) until every process of the group is stopped. */
async function untilGroupStopped(group: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const states = groupStates(group);
    if (states.length > 0 && states.every((state) => state === 'T')) return;
    if (Date.now() > deadline) throw new Error(`kafka-mock-broker did not stop: process states ${states.join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The topic the cluster's consumer reads when `consume: false`: nothing is produced to it, so the
 * cluster only serves producers.
 */
const IDLE_TOPIC = 'saker-mock-idle';

/**
 * Starts the mock cluster consuming `topic`; resolves once it prints its address. With `consume: false`
 * nothing reads `topic` back (`messages()` stays empty): the cluster's consumer, which decodes and
 * prints every message, would otherwise spend about ten times the broker's own CPU (some 10 µs a
 * message against 1), and a benchmark on a small machine would measure it too. Such a topic is created on first use with the mock's 4
 * partitions (a producer or admin asking for its metadata creates it).
 */
export async function startKafkaMockBroker(options: { topic: string; brokers?: number; consume?: boolean }): Promise<KafkaMockBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-kafka-'));
  const out = join(dir, 'consumed.jsonl');
  const consumed = options.consume === false ? IDLE_TOPIC : options.topic;
  // Its own process group, so pause/stop reach the kcat child too, and only the processes started here.
  const child: ChildProcess = spawn(KAFKA_MOCK_BROKER, ['--topic', consumed, '--brokers', String(options.brokers ?? 1), '--out', out], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const group = child.pid;
  if (group === undefined) throw new Error('kafka-mock-broker did not start');
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const brokers = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafka-mock-broker printed no address in 20 s: ${stderr}`)), 20_000);
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      const match = /KAFKA_BROKERS=(\S+)/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kafka-mock-broker exited with ${code}: ${stderr}`));
    });
  });
  const messages = (): ConsumedMessage[] => {
    let text = '';
    try {
      text = readFileSync(out, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((m) => ({
        topic: String(m.topic),
        partition: Number(m.partition),
        offset: Number(m.offset),
        key: (m.key as string | null | undefined) ?? null,
        payload: String(m.payload),
        headers: parseHeaders(m.headers),
      }));
  };
  const waitUntil = async (done: (seen: ConsumedMessage[]) => boolean, timeoutMs = 20_000): Promise<ConsumedMessage[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = messages();
      if (done(seen)) return seen;
      if (Date.now() > deadline) throw new Error(`consumed messages did not reach the expected state (saw ${seen.length})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-group, name);
    } catch {
      // already gone
    }
  };
  return {
    brokers,
    messages,
    waitForMessages(count, timeoutMs) {
      return waitUntil((seen) => seen.length >= count, timeoutMs);
    },
    waitUntil: (done, timeoutMs) => waitUntil(done, timeoutMs),
    async pause() {
      signal('SIGSTOP');
      await untilGroupStopped(group);
    },
    resume: () => signal('SIGCONT'),
    cpuMs: () => groupCpuMs(group),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        signal('SIGCONT');
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // kcat shuts librdkafka down after its parent script exits; the cluster serves until then.
      for (let i = 0; i < 100; i++) {
        const open = await Promise.all(brokers.split(',').map(listening));
        if (!open.includes(true)) break;
        if (i === 50) signal('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
