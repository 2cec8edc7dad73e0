/**
 * Live-driver benchmark (issue 4). On this machine's kernel (root, BTF, bpftrace), with Saker's own
 * rules loaded, it measures:
 *   - live: events/s the whole live path sustains — bpftrace → LineAssembler → LiveEventAdapter →
 *     StateParser → rules engine — while child processes run a tight openat/close loop (python3),
 *     with the kernel drops bpftrace reports (events lost before it read them);
 *   - the same at twice the load (two loop processes), and the load one process makes untraced;
 *   - baseline, in the same run: the parse-and-evaluate stages alone (LineAssembler → adapter →
 *     parser → engine) fed the lines bpftrace printed during the live phase, as fast as they go. The
 *     ratio live/baseline says how much of the ceiling the live path reaches.
 * Figures are printed and written to bench/results/driver.json. Not a test: nothing passes or fails
 * on time; compare runs on the same machine (a busy machine lowers every figure).
 *
 *   sudo npm run bench:driver
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Engine } from '../detector/engine/index.js';
import { FIELD_TABLES } from '../detector/fields/index.js';
import { BpftraceDriver, LineAssembler, LiveEventAdapter, livePreflight } from '../detector/sources/live/index.js';
import { createContext, isRuleEvent, StateParser } from '../detector/sources/syscall/index.js';
import { seedFromProc } from '../detector/state/index.js';
import { DEFAULT_SYSCALL_RULES } from '../detector/service.js';

const PHASE_SECONDS = 8;
// Lines kept from the first live phase for the baseline; bounded so the benchmark's memory is too.
const MAX_KEPT_LINES = 1_500_000;
const TARGET_EVENTS_PER_SECOND = 100_000;

/** A tight open/close loop; prints how many iterations it made (each is two syscalls). */
const LOOP = `
import os, time
end = time.time() + ${PHASE_SECONDS}
n = 0
while True:
    for _ in range(1000):
        os.close(os.open('/etc/hostname', os.O_RDONLY))
    n += 1000
    if time.time() >= end:
        break
print(n)
`;

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

async function loadGenerator(): Promise<number> {
  const child = spawn('python3', ['-c', LOOP], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  return Number(out.trim()) * 2;
}

interface PhaseResult {
  generators: number;
  offeredSyscallsPerSecond: number;
  recordsPerSecond: number;
  ruleEventsPerSecond: number;
  kernelDrops: number;
  dropRate: number;
  alerts: number;
}

/** A live pipeline: records flow through adapter, parser and engine as in the detector. */
function pipeline(engine: Engine) {
  const ctx = createContext();
  seedFromProc(ctx);
  const parser = new StateParser(ctx);
  const adapter = new LiveEventAdapter(ctx);
  const counts = { records: 0, ruleEvents: 0, alerts: 0, errors: 0 };
  return {
    counts,
    take(record: Parameters<LiveEventAdapter['adapt']>[0]) {
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

async function livePhases(engine: Engine): Promise<{ phases: PhaseResult[]; lines: string[] }> {
  const lines: string[] = [];
  let keep = false;
  const driver = new BpftraceDriver({ syscalls: syscallsFor(engine), onLine: (line) => keep && lines.length < MAX_KEPT_LINES && lines.push(line) });
  const live = pipeline(engine);
  const pump = (async () => {
    for await (const record of driver.records()) live.take(record);
  })();
  await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
  const phases: PhaseResult[] = [];
  for (const generators of [1, 2]) {
    const before = { ...live.counts, lost: driver.stats.lost };
    keep = generators === 1;
    const start = process.hrtime.bigint();
    const offered = (await Promise.all(Array.from({ length: generators }, () => loadGenerator()))).reduce((a, b) => a + b, 0);
    // Let the pipeline catch up with what bpftrace already printed for this phase.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    keep = false;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const records = live.counts.records - before.records;
    const lost = driver.stats.lost - before.lost;
    phases.push({
      generators,
      offeredSyscallsPerSecond: Math.round(offered / PHASE_SECONDS),
      recordsPerSecond: Math.round(records / seconds),
      ruleEventsPerSecond: Math.round((live.counts.ruleEvents - before.ruleEvents) / seconds),
      kernelDrops: lost,
      dropRate: Number((lost / Math.max(1, lost + records)).toFixed(4)),
      alerts: live.counts.alerts - before.alerts,
    });
  }
  driver.stop();
  await pump;
  return { phases, lines };
}

const BASELINE_ROUNDS = 3;

/**
 * The parse-and-evaluate stages alone, over lines bpftrace printed: the ceiling of the JS path. Best of
 * a few rounds, each with fresh state, so the figure is not the JIT's warm-up.
 */
function baseline(engine: Engine, lines: readonly string[]): { lines: number; recordsPerSecond: number; ruleEventsPerSecond: number } {
  let best = { lines: lines.length, recordsPerSecond: 0, ruleEventsPerSecond: 0 };
  for (let round = 0; round < BASELINE_ROUNDS; round++) {
    const assembler = new LineAssembler();
    const stages = pipeline(engine);
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

async function main(): Promise<void> {
  const problems = livePreflight();
  if (problems.length > 0) throw new Error(`the live driver cannot run here: ${problems.map((p) => p.message).join('; ')}`);
  const engine = loadEngine();
  // The load one loop process makes with nothing traced: how much the probes slow the traced program.
  const untraced = Math.round((await loadGenerator()) / PHASE_SECONDS);
  const { phases, lines } = await livePhases(engine);
  const base = baseline(engine, lines);
  const [single, double] = phases;
  const row = (name: string, p: PhaseResult | undefined) =>
    `${name.padEnd(34)} offered ${String(p?.offeredSyscallsPerSecond).padStart(8)} syscalls/s   processed ${String(p?.ruleEventsPerSecond).padStart(8)} events/s   kernel drops ${p?.kernelDrops} (${((p?.dropRate ?? 0) * 100).toFixed(2)}%)`;
  console.log(`live driver benchmark, Saker's rules, ${PHASE_SECONDS}s per phase`);
  console.log(`${'untraced, 1 load process'.padEnd(34)} offered ${String(untraced).padStart(8)} syscalls/s`);
  console.log(row('live, 1 load process', single));
  console.log(row('live, 2 load processes (2x)', double));
  console.log(`${'baseline: parse+evaluate alone'.padEnd(34)} ${base.lines} lines replayed: ${base.ruleEventsPerSecond} events/s (${base.recordsPerSecond} records/s)`);
  console.log(`live / baseline: ${((single?.ruleEventsPerSecond ?? 0) / Math.max(1, base.ruleEventsPerSecond)).toFixed(2)}; target ${TARGET_EVENTS_PER_SECOND} events/s`);
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('results/driver.json', import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, phaseSeconds: PHASE_SECONDS, untracedSyscallsPerSecond: untraced, live: phases, baselineParseAndEvaluate: base, targetEventsPerSecond: TARGET_EVENTS_PER_SECOND }, null, 2)}\n`,
  );
}

await main();
