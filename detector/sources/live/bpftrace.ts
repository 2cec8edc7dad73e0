import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRING_LIMIT, threadMapEntries } from './limits.js';
import { LineAssembler, type LineStats } from './lines.js';
import { livePreflight } from './preflight.js';
import { bpftraceProgram } from './program.js';
import { PROBES_BY_NAME, STATE_SYSCALLS, type SyscallProbe } from './probes.js';
import type { LiveRecord } from './records.js';
import { newRecordMark } from './wire.js';
import { SakerError } from '../../../common/errors.js';

// Pages of the per-CPU ring buffer bpftrace reads events from (its default is 64, 256 KiB): 4 MiB per
// CPU absorbs the bursts of a busy host that would otherwise be dropped before bpftrace reads them.
const PERF_RING_PAGES = 1024;
/** The kernel's pid_max: thread ids are below it (an unreadable one: the 64-bit default). */
function pidMax(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) || 4_194_304;
  } catch {
    return 4_194_304;
  }
}

// Longer than any line the program prints (the padding line is about 4 KiB).
const MAX_LINE_CHARS = 1024 * 1024;

export interface BpftraceDriverOptions {
  /** Syscall event types the rules need; the state syscalls are always added. */
  syscalls: Iterable<string>;
  /** The bpftrace executable (default: `bpftrace` on PATH). */
  bpftrace?: string;
  /** Entries of the per-thread maps (default: threadMapEntries for this kernel; tests make it tiny). */
  threadMapEntries?: number;
  /**
   * Sees bpftrace's output text as read, before it is split into lines (benchmarks keep it to replay
   * the parse stages: keeping whole reads costs far less than keeping each line).
   */
  onText?: (text: string) => void;
}

/**
 * Runs bpftrace with the program generated for the needed syscalls and yields what it reports.
 * Events made by bpftrace and by this process are dropped (this process's are not even traced), as
 * Falco drops its own.
 */
export class BpftraceDriver {
  readonly probes: readonly SyscallProbe[];
  /** Syscalls asked for that the driver has no probe for: they never produce events. */
  readonly unsupported: readonly string[];
  private child: ChildProcess | undefined;
  /** Ends every record the program prints (wire.ts); made per driver, so unknown to traced programs. */
  readonly mark = newRecordMark();
  private readonly assembler = new LineAssembler(this.mark);
  private stderr = '';
  private markReady: () => void = () => undefined;
  /**
   * Resolves once the probes really see events. bpftrace reports its probes attached a little before
   * every tracepoint delivers, so the driver runs a marker process until its exit is seen.
   */
  readonly ready: Promise<void> = new Promise((resolve) => (this.markReady = resolve));

  constructor(private readonly options: BpftraceDriverOptions) {
    const wanted = new Set([...options.syscalls, ...STATE_SYSCALLS]);
    this.probes = [...wanted].flatMap((name) => PROBES_BY_NAME.get(name) ?? []);
    this.unsupported = [...wanted].filter((name) => !PROBES_BY_NAME.has(name));
  }

  get program(): string {
    return bpftraceProgram(this.probes, { mark: this.mark, excludePid: process.pid });
  }

  /** The running bpftrace's process id (benchmarks read its CPU time), undefined when not running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get stats(): LineStats {
    return this.assembler.stats;
  }

  /**
   * Starts bpftrace and yields records until it exits or `stop()` is called. Throws a
   * `SAKER_ERR_LIVE_*` error saying what is missing when the host cannot run it, and bpftrace's own
   * error text when it exits on its own.
   */
  async *records(): AsyncGenerator<LiveRecord> {
    for await (const batch of this.batches()) yield* batch;
  }

  /**
   * The same records, in the batches they arrived in (one read of bpftrace's output): cheaper to
   * consume than one record at a time when events arrive by the hundred thousand per second.
   */
  async *batches(): AsyncGenerator<LiveRecord[]> {
    const problems = livePreflight(this.options.bpftrace);
    if (problems.length > 0) {
      throw new SakerError(problems[0]!.code, problems.map((p) => p.message).join('; '));
    }
    // The program goes in a file, not `-e`: with every syscall probed it outgrows the kernel's 128 KiB
    // limit on one command-line argument (spawn fails with E2BIG). The file is private: it holds the
    // record mark (wire.ts).
    const programDir = mkdtempSync(join(tmpdir(), 'saker-bpftrace-'));
    const programFile = join(programDir, 'saker.bt');
    writeFileSync(programFile, this.program, { mode: 0o600 });
    try {
      yield* this.run(programFile);
    } finally {
      rmSync(programDir, { recursive: true, force: true });
    }
  }

  private async *run(programFile: string): AsyncGenerator<LiveRecord[]> {
    // Text output, fully buffered: bpftrace writes 4 KiB at a time instead of one write per line, and
    // the program's padding line pushes a partly filled buffer out (wire.ts).
    const child = spawn(this.options.bpftrace ?? 'bpftrace', ['-B', 'full', programFile], {
      env: {
        ...process.env,
        BPFTRACE_STRLEN: String(STRING_LIMIT),
        BPFTRACE_PERF_RB_PAGES: String(PERF_RING_PAGES),
        BPFTRACE_MAP_KEYS_MAX: String(this.options.threadMapEntries ?? threadMapEntries(pidMax())),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      // Keep the tail only: enough to explain a failure, bounded whatever bpftrace prints.
      this.stderr = (this.stderr + chunk.toString()).slice(-4096);
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // The detector's own syscalls are not traced (program.ts); bpftrace's are dropped here.
    const ownPids = new Set([process.pid, child.pid]);
    const markers = new Set<number>();
    let isReady = false;
    let marker: NodeJS.Timeout | undefined;
    const stdout = child.stdout!;
    // A decoder keeps a multi-byte character split between reads whole.
    stdout.setEncoding('utf8');
    let rest = '';
    for await (const chunk of stdout as AsyncIterable<string>) {
      this.options.onText?.(chunk);
      const text = rest === '' ? chunk : rest + chunk;
      const batch: LiveRecord[] = [];
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        const line = text.slice(start, end);
        start = end + 1;
        const record = this.assembler.push(line);
        if (!record) continue;
        if (record.kind === 'syscall') {
          if (ownPids.has(record.pid) || markers.has(record.pid)) continue;
        } else if (record.kind === 'exit' && !isReady && markers.has(record.pid)) {
          isReady = true;
          clearInterval(marker);
          // Forget the markers: their pids get reused, and a real process must never be filtered out.
          markers.clear();
          this.markReady();
        }
        batch.push(record);
      }
      rest = text.slice(start);
      // Every line bpftrace prints ends with a newline; a longer one is not ours to keep.
      if (rest.length > MAX_LINE_CHARS) {
        this.assembler.push(rest);
        rest = '';
      }
      if (!isReady && marker === undefined && this.assembler.stats.attachedProbes > 0) {
        marker = setInterval(() => {
          const pid = execFile('true').pid;
          if (pid !== undefined) markers.add(pid);
        }, 200);
      }
      if (batch.length > 0) yield batch;
    }
    clearInterval(marker);
    const code = await exited;
    if (this.child && code !== 0) {
      throw new Error(`bpftrace exited with code ${code}: ${this.stderr.replace(/^.*RLIMIT_MEMLOCK.*$/m, '').trim()}`);
    }
  }

  /** Stops bpftrace; the record stream then ends normally. */
  stop(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGTERM');
  }
}
