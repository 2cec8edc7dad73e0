/**
 * Rules-engine benchmark (issue: rules engine). Measures, in one process on one core:
 *   - load + compile time of the three official syscall rules files together;
 *   - events/s through the official stable rules over a realistic mix (90% event types no rule
 *     watches, 10% execve/openat/connect) and a worst-case mix (only execve/openat/connect),
 *     each next to the same loop with no rules loaded (the baseline).
 * Figures are printed and written to bench/results/engine.json. It is not a test: nothing passes or
 * fails on time; compare runs on the same machine.
 *
 *   npx tsx bench/engine.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Engine } from '../detector/engine/index.js';
import { FIELD_TABLES } from '../detector/fields/index.js';
import { blankThread, type FdInfo, type ThreadInfo } from '../detector/state/index.js';
import { EVENT_LAYOUTS, createContext, type EventLayout, type SyscallEvent } from '../detector/sources/syscall/index.js';

const RULES = new URL('../../shared/falco-rules/', import.meta.url).pathname;
const SYSCALL_FILES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => RULES + f);
const EVENTS_PER_ROUND = 200_000;
const ROUNDS = 5;

/** The richest exit layout of a syscall (the one a current driver emits). */
function exitLayout(name: string): EventLayout {
  const candidates = EVENT_LAYOUTS.filter((l) => l?.name === name && l.dir === '<');
  const best = candidates.sort((a, b) => b.params.length - a.params.length)[0];
  if (!best) throw new Error(`no exit layout for ${name}`);
  return best;
}

const ctx = createContext();
function thread(tid: number, ptid: number, comm: string, exepath: string, args: string[], containerId = 'host'): ThreadInfo {
  const t = blankThread(tid);
  Object.assign(t, { ptid, comm, exe: comm, exepath, args, cwd: '/root/', containerId, uid: 0, gid: 0, loginuid: 1000, tty: 34816 });
  ctx.threads.set(t);
  return t;
}
thread(1, 0, 'systemd', '/usr/lib/systemd/systemd', []);
thread(100, 1, 'sshd', '/usr/sbin/sshd', ['-D']);
thread(200, 100, 'bash', '/usr/bin/bash', []);
const workers = [
  thread(300, 200, 'cat', '/usr/bin/cat', ['/etc/hosts']),
  thread(301, 200, 'curl', '/usr/bin/curl', ['https://example.com']),
  thread(302, 200, 'nginx', '/usr/sbin/nginx', ['-g', 'daemon off;'], 'abcdef123456'),
  thread(303, 200, 'python3', '/usr/bin/python3', ['app.py'], 'abcdef123456'),
];

const file = (name: string): FdInfo => ({ type: 'file', name, openFlags: 1 /* PPM_O_RDONLY */ });
const socket = (sip: string, sport: number): FdInfo => ({
  type: 'ipv4',
  name: `10.0.0.2:40000->${sip}:${sport}`,
  openFlags: 0,
  ip: { cip: '10.0.0.2', cport: 40000, sip, sport, l4proto: 'tcp' },
  connected: true,
  isServer: false,
});

let num = 0;
function event(type: string, t: ThreadInfo, params: SyscallEvent['params'], fd?: FdInfo): SyscallEvent {
  const layout = exitLayout(type);
  return { num: ++num, ts: 1_700_000_000_000_000_000n + BigInt(num), cpu: 0, tid: t.tid, layout, type, dir: '<', params, ctx, thread: t, fd, fdNum: fd ? 3 : undefined };
}

/** Syscalls the stable rules watch, in a plausible shape; the paths and ports vary. */
function hotEvent(i: number): SyscallEvent {
  const t = workers[i % workers.length] as ThreadInfo;
  switch (i % 3) {
    case 0:
      return event('execve', t, [0, t.comm, t.args.join('\0'), t.tid, t.tid, t.ptid, '/root', 1024, 0, 0, 0, 0, 0, t.comm]);
    case 1: {
      const path = ['/etc/hosts', '/etc/shadow', '/var/log/app.log', '/usr/lib/x86_64-linux-gnu/libc.so.6'][i % 4] as string;
      return event('openat', t, [3, -100, path, 1, 0, 0], file(path));
    }
    default: {
      const fd = socket(['93.184.216.34', '10.1.2.3', '127.0.0.1'][i % 3] as string, [443, 80, 4444][i % 3] as number);
      return event('connect', t, [0, null, 3], fd);
    }
  }
}

/** Event types no official stable rule watches. */
const COLD_TYPES = ['read', 'write', 'futex', 'epoll_wait', 'sendto', 'recvfrom'];
function coldEvent(i: number): SyscallEvent {
  const t = workers[i % workers.length] as ThreadInfo;
  return event(COLD_TYPES[i % COLD_TYPES.length] as string, t, [0], file('/var/log/app.log'));
}

const realistic = Array.from({ length: 10_000 }, (_, i) => (i % 10 === 0 ? hotEvent(i / 10) : coldEvent(i)));
const worst = Array.from({ length: 10_000 }, (_, i) => hotEvent(i));

/** Best events/s over the rounds, for `process` over the events cycled. */
function throughput(process: (e: SyscallEvent) => number, events: readonly SyscallEvent[]): { eventsPerSecond: number; alertsPerRound: number } {
  let best = 0;
  let alerts = 0;
  for (let round = 0; round < ROUNDS; round++) {
    alerts = 0;
    const start = performance.now();
    for (let i = 0; i < EVENTS_PER_ROUND; i++) alerts += process(events[i % events.length] as SyscallEvent);
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, EVENTS_PER_ROUND / seconds);
  }
  return { eventsPerSecond: Math.round(best), alertsPerRound: alerts };
}

// Load + compile: the first load warms the JIT; the best of the next five is reported.
const loadTimes: number[] = [];
for (let i = 0; i < 6; i++) {
  const engine = new Engine({ fieldTables: FIELD_TABLES, hostname: 'bench' });
  const start = performance.now();
  const result = engine.loadRules(SYSCALL_FILES);
  loadTimes.push(performance.now() - start);
  if (!result.successful) throw new Error('official rules failed to load');
}
const compileMs = Math.min(...loadTimes.slice(1));

const stable = new Engine({ fieldTables: FIELD_TABLES, hostname: 'bench' });
stable.loadRules([`${RULES}falco_rules.yaml`]);
const empty = new Engine({ fieldTables: FIELD_TABLES, hostname: 'bench' });
empty.loadRules([{ name: 'empty.yaml', content: '[]' }]);

const run = (engine: Engine) => (e: SyscallEvent) => engine.process('syscall', e).length;
const results = {
  date: new Date().toISOString(),
  node: process.version,
  compile: { files: SYSCALL_FILES.map((f) => f.split('/').pop()), bestMs: Math.round(compileMs), targetMs: 300, firstMs: Math.round(loadTimes[0] ?? 0) },
  realisticMix: { rules: throughput(run(stable), realistic), baselineNoRules: throughput(run(empty), realistic), targetEventsPerSecond: 1_000_000 },
  worstCaseMix: { rules: throughput(run(stable), worst), baselineNoRules: throughput(run(empty), worst), targetEventsPerSecond: 250_000 },
};

const ratio = (a: number, b: number) => (a / b).toFixed(3);
console.log(`load+compile (3 syscall files): best ${results.compile.bestMs} ms, first ${results.compile.firstMs} ms (target ≤ 300 ms)`);
for (const [name, mix] of [['realistic mix', results.realisticMix], ['worst-case mix', results.worstCaseMix]] as const) {
  console.log(
    `${name}: ${mix.rules.eventsPerSecond.toLocaleString()} events/s with the stable rules vs ${mix.baselineNoRules.eventsPerSecond.toLocaleString()} with none ` +
      `(ratio ${ratio(mix.rules.eventsPerSecond, mix.baselineNoRules.eventsPerSecond)}; target ≥ ${mix.targetEventsPerSecond.toLocaleString()}; ${mix.rules.alertsPerRound} alerts/round)`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/engine.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
