/**
 * Live-driver benchmark (issue 4). On this machine's kernel (root, BTF, bpftrace), with Saker's own
 * rules loaded, it measures:
 *   - live: events/s the whole live path sustains — bpftrace → LineAssembler → PrefetchingHostFacts
 *     (the detector's /proc read-ahead, fed the driver's batches) → LiveEventAdapter → StateParser →
 *     rules engine — while a load process offers --rate syscalls/s (default 100,000) of a
 *     syscall the rules need (--load: a failing openat, the cheapest, or open+close of a real file),
 *     with the kernel drops bpftrace reports (events lost before it read them), and the CPU time
 *     bpftrace and this process spent: CPU-seconds per million records say what one core sustains
 *     (reported as derived records/s, never as a measured rate), and depend far less on other load on
 *     the machine than rates do;
 *   - the same at twice the load (two load processes);
 *   - baseline, in the same run: the parse-and-evaluate stages alone (LineAssembler → adapter →
 *     parser → engine, synchronously, without the read-ahead) fed the output bpftrace printed during
 *     the first live phase, as fast as they go;
 *   - RSS: a detector process (this file with --rss-child: the live pipeline as the detector runs it)
 *     with 10,000 live threads of other processes in its thread table, half seeded from /proc at start
 *     and half learned live from the driver.
 * The load processes are small C programs when a C compiler is present (a Python loop cannot offer
 * 100k syscalls/s), Python otherwise. On a 2-core machine they compete with bpftrace and the detector
 * for the cores; when they cannot offer the target the output and the JSON say so. Figures are
 * printed and written to bench/results/driver.json. Not a test: nothing passes or fails on time;
 * compare runs on the same machine.
 *
 *   sudo npm run bench:driver -- --help     (--seconds 2 --no-rss for a quick run while iterating)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../common/package-info.js';
import { limitHeapGrowth } from '../common/heap-growth.js';
import { Engine } from '../detector/engine/index.js';
import { FIELD_TABLES } from '../detector/fields/index.js';
import { BpftraceDriver, LineAssembler, LiveEventAdapter, livePreflight, PrefetchingHostFacts, type HostFacts, type LiveRecord } from '../detector/sources/live/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallContext } from '../detector/sources/syscall/index.js';
import { seedFromProc } from '../detector/state/index.js';
import { DEFAULT_SYSCALL_RULES } from '../detector/service.js';

const USAGE = `usage: sudo npm run bench:driver -- [options]
  --seconds N      length of each live phase (default 8; SAKER_BENCH_SECONDS also sets it)
  --rate N         syscalls/s each load process offers (default 100000; 0: as fast as it can)
  --load KIND      enoent: openat of a missing path, one record per call (default);
                   open: open and close a real file, two records per round
  --priority=N     nice value of the load processes (default 0; --priority=-5 puts them ahead of
                   bpftrace and the detector, so that they offer more, at the cost of kernel drops)
  --no-rss         skip the RSS phase
  --cpu-prof FILE  write a CPU profile of this process (the detector side) over the live phases only
  --help           this text`;

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.SAKER_BENCH_SECONDS ?? '8' },
    rate: { type: 'string', default: '100000' },
    load: { type: 'string', default: 'enoent' },
    priority: { type: 'string', default: '0' },
    'no-rss': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'rss-child': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
type Load = 'enoent' | 'open';
const LOADS: readonly Load[] = ['enoent', 'open'];
const numberOption = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} takes a number, not ${value}\n${USAGE}`);
  return n;
};
const PHASE_SECONDS = numberOption('seconds', options.seconds);
const RATE_PER_GENERATOR = numberOption('rate', options.rate);
const GENERATOR_PRIORITY = numberOption('priority', options.priority);
if (!LOADS.includes(options.load as Load)) throw new Error(`--load is one of ${LOADS.join(', ')}\n${USAGE}`);
const LOAD = options.load as Load;
// bpftrace output kept from the first live phase for the baseline; bounded so the benchmark's memory is too.
const MAX_KEPT_CHARS = 200_000_000;
const TARGET_EVENTS_PER_SECOND = 100_000;
const RSS_THREADS = 10_000;
const RSS_TARGET_MB = 150;

/**
 * Paced load: `gen LOAD RATE SECONDS` makes RATE traced syscalls/s (0: as fast as it can) and prints
 * how many it made. LOAD `open`: open and close a real file (two records per round, as a program
 * reading files makes); `enoent`: openat of a path that does not exist, which fails at once (one
 * record per call, the cheapest syscall the rules need, so one process offers the most load).
 */
const GEN_C = `
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  int missing = strcmp(argv[1], "enoent") == 0;
  double rate = atof(argv[2]), seconds = atof(argv[3]), start = now();
  long calls = 0;
  for (;;) {
    if (missing) {
      for (int i = 0; i < 200; i++) openat(AT_FDCWD, "/nonexistent-saker-bench", O_RDONLY);
    } else {
      for (int i = 0; i < 100; i++) close(open("/etc/hostname", O_RDONLY));
    }
    calls += 200;
    double t = now() - start;
    if (t >= seconds) break;
    double ahead = rate > 0 ? calls / rate - t : 0;
    if (ahead > 0) { struct timespec d = { (time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9) }; nanosleep(&d, 0); }
  }
  printf("%ld\\n", calls);
  return 0;
}
`;

const GEN_PY = `
import os, sys, time
missing = sys.argv[1] == 'enoent'
rate, seconds = float(sys.argv[2]), float(sys.argv[3])
start = time.time(); calls = 0
while True:
    for _ in range(100):
        if missing:
            try: os.open('/nonexistent-saker-bench', os.O_RDONLY)
            except OSError: pass
            try: os.open('/nonexistent-saker-bench', os.O_RDONLY)
            except OSError: pass
        else:
            os.close(os.open('/etc/hostname', os.O_RDONLY))
    calls += 200
    t = time.time() - start
    if t >= seconds: break
    if rate > 0 and calls / rate > t: time.sleep(calls / rate - t)
print(calls)
`;

/** `threads N`: starts N threads that block until stdin closes; prints "ready" once all run. */
const THREADS_C = `
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static void *wait_forever(void *arg) { (void)arg; pthread_mutex_lock(&m); for (;;) pthread_cond_wait(&c, &m); return 0; }
int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  pthread_attr_t attr; pthread_attr_init(&attr); pthread_attr_setstacksize(&attr, 64 * 1024);
  for (int i = 0; i < n; i++) { pthread_t t; if (pthread_create(&t, &attr, wait_forever, 0) != 0) { perror("pthread_create"); return 1; } }
  printf("ready\\n"); fflush(stdout);
  char buf[1]; while (read(0, buf, 1) > 0) {}
  return 0;
}
`;

const THREADS_PY = `
import sys, threading
threading.stack_size(64 * 1024)
stop = threading.Event()
for _ in range(int(sys.argv[1])):
    threading.Thread(target=stop.wait, daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
`;

interface Tools {
  kind: 'c' | 'python';
  gen: (load: Load, rate: number, seconds: number) => [string, string[]];
  threads: (n: number) => [string, string[]];
  cleanup: () => void;
}

/** Compiles the C load programs when a compiler is there; Python stand-ins otherwise. */
function buildTools(): Tools {
  const dir = mkdtempSync(join(tmpdir(), 'saker-bench-driver-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(join(dir, 'gen.c'), GEN_C);
    writeFileSync(join(dir, 'threads.c'), THREADS_C);
    execFileSync('cc', ['-O2', '-o', join(dir, 'gen'), join(dir, 'gen.c')], { stdio: 'ignore' });
    execFileSync('cc', ['-O2', '-pthread', '-o', join(dir, 'threads'), join(dir, 'threads.c')], { stdio: 'ignore' });
    return { kind: 'c', gen: (load, rate, seconds) => [join(dir, 'gen'), [load, String(rate), String(seconds)]], threads: (n) => [join(dir, 'threads'), [String(n)]], cleanup };
  } catch {
    return { kind: 'python', gen: (load, rate, seconds) => ['python3', ['-c', GEN_PY, load, String(rate), String(seconds)]], threads: (n) => ['python3', ['-c', THREADS_PY, String(n)]], cleanup };
  }
}

function loadEngine(): Engine {
  const engine = new Engine({ fieldTables: FIELD_TABLES, hostname: 'bench', ruleMatching: 'first' });
  const result = engine.loadRules([DEFAULT_SYSCALL_RULES]);
  if (!result.successful) throw new Error('Saker rules do not load');
  return engine;
}

/** The syscalls the rules need, as the detector asks the driver for them. */
function syscallsFor(engine: Engine): string[] {
  const types = new Set<string>();
  for (const rule of engine.rules) {
    if (!rule.enabled || rule.source !== 'syscall') continue;
    for (const type of rule.condition.eventTypes ?? FIELD_TABLES.get('syscall')?.eventTypes ?? []) types.add(type);
  }
  return [...types];
}

/** Runs one load process to its end, at GENERATOR_PRIORITY; the syscalls it made. */
async function runGenerator(tools: Tools, rate: number, seconds: number): Promise<number> {
  const [command, args] = tools.gen(LOAD, rate, seconds);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.pid !== undefined && GENERATOR_PRIORITY !== 0) setPriority(child.pid, GENERATOR_PRIORITY);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return Number(out.trim());
}

/** User+system CPU seconds of a process from /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** USER_HZ: what /proc reports CPU times in; 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

const ownCpuSeconds = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

const round2 = (n: number): number => Number(n.toFixed(2));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface PhaseResult {
  generators: number;
  /** What the load processes were asked to make (0: as much as they could). */
  askedSyscallsPerSecond: number;
  /** What the load processes made while traced: below the target when they could not make more. */
  offeredSyscallsPerSecond: number;
  recordsPerSecond: number;
  ruleEventsPerSecond: number;
  kernelDrops: number;
  dropRate: number;
  alerts: number;
  /** CPU seconds bpftrace (its userspace side: reading the ring buffers, formatting) used in the phase. */
  bpftraceCpuSeconds: number;
  /** CPU seconds this process (reading, parse, adapt, state, rules) used in the phase. */
  detectorCpuSeconds: number;
  bpftraceCpuSecondsPerMillionRecords: number;
  detectorCpuSecondsPerMillionRecords: number;
  /**
   * Derived, not measured: records/s one core would sustain given the CPU each stage spent per record
   * here (1e6 / µs per record): bpftrace alone, the detector alone, and both sharing one core.
   */
  derivedOneCoreRecordsPerSecond: { bpftrace: number; detector: number; bpftraceAndDetector: number };
}

/**
 * A live pipeline: records flow through adapter, parser and engine as in the detector. `host` answers
 * the adapter's /proc questions: the detector's read-ahead for live records (see startLive), the
 * synchronous reads by default.
 */
function pipeline(engine: Engine, ctx: SyscallContext = createContext(), host?: HostFacts) {
  const parser = new StateParser(ctx);
  const adapter = new LiveEventAdapter(ctx, host ? { host } : {});
  const counts = { records: 0, ruleEvents: 0, alerts: 0, errors: 0 };
  return {
    counts,
    ctx,
    take(record: LiveRecord) {
      counts.records++;
      try {
        for (const event of adapter.adapt(record)) {
          parser.process(event);
          if (!isRuleEvent(event.layout)) continue;
          counts.ruleEvents++;
          counts.alerts += engine.process('syscall', event).length;
        }
      } catch {
        counts.errors++;
      }
    },
  };
}

/**
 * Starts the driver and a pipeline on its records, fed as the detector feeds its own (service.ts):
 * the driver's batches through PrefetchingHostFacts, which reads each record's /proc facts on a worker
 * and hands the records over in order. Resolves once the probes see events.
 */
async function startLive(engine: Engine, ctx: SyscallContext, onText?: (text: string) => void) {
  const driver = new BpftraceDriver({ syscalls: syscallsFor(engine), ...(onText ? { onText } : {}) });
  const host = new PrefetchingHostFacts(ctx);
  const live = pipeline(engine, ctx, host);
  const pump = host.drain(driver.batches(), (record) => live.take(record));
  await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
  return { driver, live, pump };
}

/** Profiles this process from now until `stop`, which writes the .cpuprofile. */
async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function livePhases(engine: Engine, tools: Tools): Promise<{ phases: PhaseResult[]; texts: string[]; mark: string }> {
  const texts: string[] = [];
  let kept = 0;
  let keep = false;
  const ctx = createContext();
  seedFromProc(ctx);
  const { driver, live, pump } = await startLive(engine, ctx, (text) => {
    if (!keep || kept + text.length > MAX_KEPT_CHARS) return;
    texts.push(text);
    kept += text.length;
  });
  const phases: PhaseResult[] = [];
  const profiler = options['cpu-prof'] ? await startProfile() : undefined;
  for (const generators of [1, 2]) {
    const before = { ...live.counts, lost: driver.stats.lost, bpftraceCpu: cpuSecondsOf(driver.pid), ownCpu: ownCpuSeconds() };
    keep = generators === 1;
    const start = process.hrtime.bigint();
    const offered = (await Promise.all(Array.from({ length: generators }, () => runGenerator(tools, RATE_PER_GENERATOR, PHASE_SECONDS)))).reduce((a, b) => a + b, 0);
    // Let the pipeline catch up with what bpftrace already printed: until no record came for 300 ms.
    let last = { records: live.counts.records, at: process.hrtime.bigint() };
    for (let waited = 0; waited < 15_000; waited += 100) {
      await sleep(100);
      if (live.counts.records !== last.records) last = { records: live.counts.records, at: process.hrtime.bigint() };
      else if (Number(process.hrtime.bigint() - last.at) > 300e6) break;
    }
    keep = false;
    const seconds = Math.max(PHASE_SECONDS, Number(last.at - start) / 1e9);
    const records = live.counts.records - before.records;
    const lost = driver.stats.lost - before.lost;
    const bpftraceCpu = cpuSecondsOf(driver.pid) - before.bpftraceCpu;
    const ownCpu = ownCpuSeconds() - before.ownCpu;
    const perMillion = (cpu: number) => round2((cpu / Math.max(1, records)) * 1e6);
    const perCore = (cpu: number) => (cpu > 0 ? Math.round(records / cpu) : 0);
    const offeredPerSecond = Math.round(offered / PHASE_SECONDS);
    phases.push({
      generators,
      askedSyscallsPerSecond: RATE_PER_GENERATOR * generators,
      offeredSyscallsPerSecond: offeredPerSecond,
      recordsPerSecond: Math.round(records / seconds),
      ruleEventsPerSecond: Math.round((live.counts.ruleEvents - before.ruleEvents) / seconds),
      kernelDrops: lost,
      dropRate: Number((lost / Math.max(1, lost + records)).toFixed(4)),
      alerts: live.counts.alerts - before.alerts,
      bpftraceCpuSeconds: round2(bpftraceCpu),
      detectorCpuSeconds: round2(ownCpu),
      bpftraceCpuSecondsPerMillionRecords: perMillion(bpftraceCpu),
      detectorCpuSecondsPerMillionRecords: perMillion(ownCpu),
      derivedOneCoreRecordsPerSecond: { bpftrace: perCore(bpftraceCpu), detector: perCore(ownCpu), bpftraceAndDetector: perCore(bpftraceCpu + ownCpu) },
    });
  }
  if (profiler) await profiler.stop(options['cpu-prof'] as string);
  driver.stop();
  await pump;
  return { phases, texts, mark: driver.mark };
}

const BASELINE_ROUNDS = 3;

/** The output kept, split into lines as the driver splits it. */
function splitLines(texts: readonly string[]): string[] {
  const lines = texts.join('').split('\n');
  lines.pop();
  return lines;
}

/**
 * The parse-and-evaluate stages alone, over lines bpftrace printed: the ceiling of the JS path. Best of
 * a few rounds, each with fresh state, so the figure is not the JIT's warm-up.
 */
function baseline(engine: Engine, lines: readonly string[], mark: string): { lines: number; recordsPerSecond: number; ruleEventsPerSecond: number } {
  let best = { lines: lines.length, recordsPerSecond: 0, ruleEventsPerSecond: 0 };
  for (let round = 0; round < BASELINE_ROUNDS; round++) {
    const assembler = new LineAssembler(mark);
    const ctx = createContext();
    seedFromProc(ctx);
    const stages = pipeline(engine, ctx);
    const start = process.hrtime.bigint();
    for (const line of lines) {
      const record = assembler.push(line);
      if (record) stages.take(record);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const ruleEventsPerSecond = Math.round(stages.counts.ruleEvents / seconds);
    if (ruleEventsPerSecond > best.ruleEventsPerSecond) best = { lines: lines.length, recordsPerSecond: Math.round(stages.counts.records / seconds), ruleEventsPerSecond };
  }
  return best;
}

interface RssResult {
  threadsInTable: number;
  seededThreads: number;
  learnedLiveThreads: number;
  rssMB: number;
  heapUsedMB: number;
  rssBeforeThreadsMB: number;
  loadProcesses: string;
}

/** Starts a process holding `n` threads; resolves with it once all of them run. */
async function holdThreads(tools: Tools, n: number): Promise<ChildProcess> {
  const [command, args] = tools.threads(n);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await ready.next();
  if (first.value !== 'ready') throw new Error(`the thread holder did not start ${n} threads`);
  return child;
}

/**
 * RSS with RSS_THREADS live threads in the table: a holder process with half of them runs before the
 * detector child starts (seeded from /proc), the other half starts once its driver runs (learned from
 * the fork records). The child reports when its table holds them all.
 */
async function rssPhase(tools: Tools): Promise<RssResult> {
  // The child runs as compiled JavaScript, as the detector does: under tsx, transpiling in-process
  // roughly doubles a process's RSS. Bundled next to package.json so Saker finds its rules.
  const dir = mkdtempSync(join(PACKAGE_ROOT, '.bench-driver-'));
  const script = join(dir, 'rss-child.mjs');
  try {
    const { build } = await import('esbuild');
    await build({ entryPoints: [fileURLToPath(import.meta.url)], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
    return await measureRss(tools, script);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureRss(tools: Tools, script: string): Promise<RssResult> {
  const half = RSS_THREADS / 2;
  const seeded = await holdThreads(tools, half);
  const child = spawn(process.execPath, [script, '--rss-child'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, number>> => {
    const line = await replies.next();
    if (line.done) throw new Error('the RSS child stopped');
    return JSON.parse(line.value as string) as Record<string, number>;
  };
  let learned: ChildProcess | undefined;
  try {
    const ready = await next();
    learned = await holdThreads(tools, half);
    child.stdin!.write(`${JSON.stringify({ pids: [seeded.pid, learned.pid], expected: RSS_THREADS })}\n`);
    const result = await next();
    return {
      threadsInTable: result.threads ?? 0,
      seededThreads: result.seeded ?? 0,
      learnedLiveThreads: result.learned ?? 0,
      rssMB: round2((result.rss ?? 0) / 2 ** 20),
      heapUsedMB: round2((result.heapUsed ?? 0) / 2 ** 20),
      rssBeforeThreadsMB: round2((ready.rss ?? 0) / 2 ** 20),
      loadProcesses: tools.kind,
    };
  } finally {
    child.stdin!.end();
    seeded.stdin!.end();
    learned?.stdin!.end();
    await new Promise((resolve) => child.on('close', resolve));
  }
}

/**
 * The RSS child: the detector's live pipeline (seeded table, driver, adapter, parser, engine) and
 * nothing else. Reports its RSS once started, then, when told the holder pids, once its table holds
 * `expected` of their threads (counting those seeded and those learned live).
 */
async function rssChild(): Promise<void> {
  limitHeapGrowth(); // as startDetector does
  const engine = loadEngine();
  const ctx = createContext();
  seedFromProc(ctx);
  const seededTids = new Set([...ctx.threads.values()].map((t) => t.tid));
  const { driver, pump } = await startLive(engine, ctx);
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`);
  const request = await createInterface({ input: process.stdin })[Symbol.asyncIterator]().next();
  const { pids, expected } = JSON.parse(request.value as string) as { pids: number[]; expected: number };
  const holders = new Set(pids);
  const count = () => {
    let seeded = 0;
    let learned = 0;
    for (const t of ctx.threads.values()) {
      if (!holders.has(t.pid) || t.tid === t.pid) continue;
      if (seededTids.has(t.tid)) seeded++;
      else learned++;
    }
    return { seeded, learned };
  };
  let counts = count();
  for (let waited = 0; counts.seeded + counts.learned < expected && waited < 60_000; waited += 250) {
    await sleep(250);
    counts = count();
  }
  // Let the collector settle what the start-up left behind before reading RSS.
  await sleep(2_000);
  const memory = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ threads: ctx.threads.size, seeded: counts.seeded, learned: counts.learned, rss: memory.rss, heapUsed: memory.heapUsed })}\n`);
  driver.stop();
  await pump;
}

/** What the run says about the target, in words: printed, and kept in the JSON. */
function verdict(phases: readonly PhaseResult[]): string[] {
  const notes: string[] = [];
  const best = phases.reduce<PhaseResult | undefined>((a, p) => (p.kernelDrops === 0 && p.recordsPerSecond > (a?.recordsPerSecond ?? 0) ? p : a), undefined);
  notes.push(best ? `highest rate sustained with 0 kernel drops: ${best.recordsPerSecond} records/s (${best.generators} load process(es))` : 'no phase ran without kernel drops');
  const top = phases.reduce<PhaseResult | undefined>((a, p) => (p.offeredSyscallsPerSecond > (a?.offeredSyscallsPerSecond ?? -1) ? p : a), undefined);
  if (top) notes.push(`at the highest offered load (${top.offeredSyscallsPerSecond} syscalls/s): drop rate ${(top.dropRate * 100).toFixed(2)}%`);
  if (!phases.some((p) => p.offeredSyscallsPerSecond >= TARGET_EVENTS_PER_SECOND)) {
    notes.push(`the load processes could not offer ${TARGET_EVENTS_PER_SECOND} syscalls/s here while traced (the most: ${top?.offeredSyscallsPerSecond ?? 0}/s): load, bpftrace and the detector share this machine's cores; see the derived one-core figures`);
  }
  const derived = top?.derivedOneCoreRecordsPerSecond;
  if (derived) {
    notes.push(`derived from CPU per record (not measured): one core sustains ${derived.bpftrace} records/s of bpftrace, ${derived.detector} of the detector, ${derived.bpftraceAndDetector} of both together`);
  }
  return notes;
}

async function main(): Promise<void> {
  limitHeapGrowth(); // this process is the detector side of the live phases, set up as startDetector does
  const problems = livePreflight();
  if (problems.length > 0) throw new Error(`the live driver cannot run here: ${problems.map((p) => p.message).join('; ')}`);
  const engine = loadEngine();
  const tools = buildTools();
  try {
    // Other work on the machine lowers every figure; the load average says how busy it was.
    const loadStart = loadavg()[0] ?? 0;
    // The most one load process makes with nothing traced, for scale.
    const untraced = Math.round((await runGenerator(tools, 0, 2)) / 2);
    const { phases, texts, mark } = await livePhases(engine, tools);
    const base = baseline(engine, splitLines(texts), mark);
    texts.length = 0;
    const rss = options['no-rss'] ? undefined : await rssPhase(tools);
    const row = (name: string, p: PhaseResult) =>
      `${name.padEnd(34)} offered ${String(p.offeredSyscallsPerSecond).padStart(8)} syscalls/s (asked ${p.askedSyscallsPerSecond || 'max'})   processed ${String(p.ruleEventsPerSecond).padStart(8)} events/s   kernel drops ${p.kernelDrops} (${(p.dropRate * 100).toFixed(2)}%)\n` +
      `${''.padEnd(34)} CPU s: bpftrace ${p.bpftraceCpuSeconds} (${p.bpftraceCpuSecondsPerMillionRecords} per million records), detector ${p.detectorCpuSeconds} (${p.detectorCpuSecondsPerMillionRecords} per million)`;
    console.log(`live driver benchmark, Saker's rules, ${PHASE_SECONDS}s per phase, ${tools.kind} load processes (${LOAD}, nice ${GENERATOR_PRIORITY})`);
    console.log(`${'untraced, 1 load process, unpaced'.padEnd(34)} offered ${String(untraced).padStart(8)} syscalls/s`);
    for (const p of phases) console.log(row(`live, ${p.generators} load process${p.generators > 1 ? 'es' : ''}`, p));
    console.log(`${'baseline: parse+evaluate alone'.padEnd(34)} ${base.lines} lines replayed: ${base.ruleEventsPerSecond} events/s (${base.recordsPerSecond} records/s)`);
    console.log(`live / baseline: ${((phases[0]?.ruleEventsPerSecond ?? 0) / Math.max(1, base.ruleEventsPerSecond)).toFixed(2)}; target ${TARGET_EVENTS_PER_SECOND} events/s`);
    const notes = verdict(phases);
    for (const note of notes) console.log(note);
    if (rss) {
      console.log(
        `RSS with ${rss.threadsInTable} threads in the table (${rss.seededThreads} seeded + ${rss.learnedLiveThreads} learned live of the ${RSS_THREADS} held): ${rss.rssMB} MB (heap ${rss.heapUsedMB} MB; ${rss.rssBeforeThreadsMB} MB before); target ${RSS_TARGET_MB} MB`,
      );
    }
    const loadEnd = loadavg()[0] ?? 0;
    console.log(`load average (1 min): ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at end`);
    mkdirSync(new URL('results/', import.meta.url), { recursive: true });
    writeFileSync(
      new URL('results/driver.json', import.meta.url),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          loadAverage1m: { start: round2(loadStart), end: round2(loadEnd) },
          phaseSeconds: PHASE_SECONDS,
          loadProcesses: tools.kind,
          load: LOAD,
          loadProcessNice: GENERATOR_PRIORITY,
          untracedSyscallsPerSecond: untraced,
          live: phases,
          summary: notes,
          baselineParseAndEvaluate: base,
          ...(rss ? { rssWithThreads: rss } : {}),
          targetEventsPerSecond: TARGET_EVENTS_PER_SECOND,
          targetRssMB: RSS_TARGET_MB,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    tools.cleanup();
  }
}

await (options['rss-child'] ? rssChild() : main());
