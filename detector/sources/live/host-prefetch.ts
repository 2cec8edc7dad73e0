/**
 * Host facts for the live detector without blocking the event loop on /proc. Each record's lookups
 * (see `hostQueries`) start as soon as the record arrives, on a worker thread; records are still
 * handled strictly in order, one at a time, and a record whose facts are still being read holds back
 * the records behind it. The adapter then asks its usual synchronous questions and gets the answers
 * read for that record.
 *
 * What an event never gets is a made-up value: a fact that could not be read (the process exited
 * first, the read took longer than the deadline) is absent, which the adapter writes as an empty
 * parameter and the fields show as `<NA>`, or leaves the thread's earlier value in place, as when the
 * synchronous reads found the process gone. Falco's kernel driver never misses these, so each miss
 * is counted: `vanished` (the process or fd was gone), `timedOut` (the reader is then replaced, see
 * WorkerProcFiles), and `unprepared` (a question no query announced; answered "unknown" rather than
 * read synchronously).
 */
import { setMaxListeners } from 'node:events';
import { withTimeout } from '../../../common/abort.js';
import type { SyscallContext } from '../syscall/context.js';
import { hostQueries, type HostQuery } from './adapter.js';
import { AsyncProcReader, hostKey, type HostFacts, type ProcDetails, type ProcRead } from './host-facts.js';
import { WorkerProcFiles } from './proc-files.js';
import type { LiveRecord, LiveSockAddr } from './records.js';

/** Settings of the read-ahead. */
export interface PrefetchOptions {
  /** The /proc tree to read (default: the host's). */
  procRoot?: string;
  /** Names for a cgroup v2 membership (see readCgroupControllers). */
  cgroupControllers?: readonly string[];
  /** Most records held back (waiting for their facts or behind one that is); beyond it, reading pauses. */
  window?: number;
  /** Longest wait for one record's facts; what is not read by then stays absent. */
  deadlineMs?: number;
}

/** What the read-ahead did; every fact an event went without is counted here. */
export interface PrefetchStats {
  /** Records that needed host facts. */
  prepared: number;
  /** Lookups started. */
  lookups: number;
  /** Lookups that found the process, thread or fd gone (at least partly). */
  vanished: number;
  /** Lookups not answered within the deadline (or given up with a reader stuck past it). */
  timedOut: number;
  /** Readers abandoned because a read was stuck past the deadline. */
  readerRestarts: number;
  /** Questions the adapter asked that no query announced (answered "unknown"). */
  unprepared: number;
  /** Times handling had to wait for a record's facts. */
  waits: number;
  /** Most records held back at once. */
  maxHeld: number;
}

type Answer = ProcDetails | number | LiveSockAddr | undefined;

/** A record and, once read, the answers to its lookups. */
interface Held {
  record: LiveRecord;
  answers: Map<string, Answer> | undefined;
  ready: Promise<void> | undefined;
}

function queryKey(q: HostQuery): string {
  if (q.kind === 'process') return hostKey.process(q.pid);
  if (q.kind === 'tgid') return hostKey.tgid(q.tid);
  return hostKey.socket(q.pid, q.fd, q.like.family);
}

/** Settles as `work` does, or rejects with the signal's reason once it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The parent signal of the deadlines: nothing cancels a lookup but its own deadline. */
const NEVER = new AbortController().signal;
setMaxListeners(0, NEVER);
const NO_ANSWERS: ReadonlyMap<string, Answer> = new Map();
const DEFAULTS = { window: 4096, deadlineMs: 2_000 };
/** Most records handled in a row before the event loop gets a turn. */
const BURST = 256;

export class PrefetchingHostFacts implements HostFacts {
  readonly stats: PrefetchStats = { prepared: 0, lookups: 0, vanished: 0, timedOut: 0, readerRestarts: 0, unprepared: 0, waits: 0, maxHeld: 0 };
  private readonly files = new WorkerProcFiles();
  private readonly reader: AsyncProcReader;
  private readonly window: number;
  private readonly deadlineMs: number;
  private readonly held: Held[] = [];
  /** The answers for the record being handled. */
  private current: ReadonlyMap<string, Answer> = NO_ANSWERS;
  /** Settles once handling has gone on after a pause (the head's facts, or a turn of the loop). */
  private resuming: Promise<void> | undefined;
  private failure: unknown;
  private wakeReader: (() => void) | undefined;

  constructor(
    private readonly ctx: SyscallContext,
    options: PrefetchOptions = {},
  ) {
    this.reader = new AsyncProcReader(this.files, options.procRoot, options.cgroupControllers);
    this.window = Math.max(1, options.window ?? DEFAULTS.window);
    this.deadlineMs = options.deadlineMs ?? DEFAULTS.deadlineMs;
  }

  /**
   * Reads `batches` (the driver's `batches()`: records in the groups one read of its output gave) to
   * the end and calls `handle` with each record, in order, once its facts are read; the adapter may
   * ask this object about the record during `handle`. A record needing nothing, with nothing held
   * before it, is handled at once. Rejects with the first error `handle` throws.
   *
   * Batches, not single records, so that the records of one read cost one await between them rather
   * than one each: within a batch the only wait is for room when the window is full.
   */
  async drain(batches: AsyncIterable<readonly LiveRecord[]>, handle: (record: LiveRecord) => void): Promise<void> {
    try {
      // The reader starts with the records, not with the first lookup (a worker takes a moment).
      void this.files.start();
      await this.drainBatches(batches, handle);
    } finally {
      this.files.close();
    }
  }

  private async drainBatches(batches: AsyncIterable<readonly LiveRecord[]>, handle: (record: LiveRecord) => void): Promise<void> {
    outer: for await (const batch of batches) {
      for (const record of batch) {
        if (this.failure !== undefined) break outer;
        this.hold(record);
        if (this.resuming === undefined) this.handleReady(handle);
        // At most `window` records held, even when one batch brings more; and no next batch is
        // read while the window is full.
        while (this.held.length >= this.window && this.failure === undefined) await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
    }
    while (this.held.length > 0 && this.failure === undefined) {
      if (this.resuming === undefined) this.handleReady(handle);
      if (this.resuming !== undefined) await this.resuming;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Settles once the /proc reader runs (a new one starts after a stuck read is given up). */
  readerReady(): Promise<void> {
    return this.files.start();
  }

  /** Records read but not yet handled. */
  get heldCount(): number {
    return this.held.length;
  }

  process(pid: number): ProcDetails {
    return (this.answer(hostKey.process(pid)) as ProcDetails | undefined) ?? {};
  }

  tgid(tid: number): number | undefined {
    return this.answer(hostKey.tgid(tid)) as number | undefined;
  }

  socketEnd(pid: number, fd: number, like: LiveSockAddr): LiveSockAddr | undefined {
    return this.answer(hostKey.socket(pid, fd, like.family)) as LiveSockAddr | undefined;
  }

  private answer(key: string): Answer {
    if (this.current.has(key)) return this.current.get(key);
    // Never a synchronous read here: a question nobody announced is answered "unknown".
    this.stats.unprepared++;
    return undefined;
  }

  private hold(record: LiveRecord): void {
    const queries = hostQueries(record, this.ctx);
    const entry: Held = { record, answers: undefined, ready: undefined };
    if (queries.length > 0) {
      this.stats.prepared++;
      const answers = new Map<string, Answer>();
      entry.ready = Promise.all(queries.map(async (q) => answers.set(queryKey(q), await this.lookUp(q)))).then(() => {
        entry.answers = answers;
        entry.ready = undefined;
      });
    }
    this.held.push(entry);
    if (this.held.length > this.stats.maxHeld) this.stats.maxHeld = this.held.length;
  }

  /**
   * Handles the records at the head whose facts are in, in order. Stops at one whose facts are still
   * being read, and goes on when they arrive; after BURST records in a row it lets the event loop
   * turn before going on, so a backlog released at once does not hold the loop either.
   */
  private handleReady(handle: (record: LiveRecord) => void): void {
    let budget = BURST;
    while (this.failure === undefined) {
      const head = this.held[0];
      if (head === undefined) break;
      if (head.ready !== undefined || budget-- === 0) {
        if (head.ready !== undefined) this.stats.waits++;
        const until = head.ready ?? new Promise<void>((resolve) => setImmediate(resolve));
        this.resuming = until.then(() => {
          this.resuming = undefined;
          this.handleReady(handle);
        });
        break;
      }
      this.held.shift();
      this.current = head.answers ?? NO_ANSWERS;
      try {
        handle(head.record);
      } catch (error) {
        this.failure = error;
      } finally {
        this.current = NO_ANSWERS;
      }
    }
    if (this.held.length < this.window || this.failure !== undefined) {
      const wake = this.wakeReader;
      this.wakeReader = undefined;
      wake?.();
    }
  }

  /** One lookup, bounded by the deadline; never rejects. */
  private async lookUp(q: HostQuery): Promise<Answer> {
    this.stats.lookups++;
    const read = this.read(q);
    try {
      // A /proc read can block in the kernel (environ waits for the process's memory map lock): the
      // record goes on without that fact rather than holding every record behind it.
      const done = await withTimeout(NEVER, this.deadlineMs, (signal) => untilAborted(read, signal));
      if (done.vanished) this.stats.vanished++;
      // Given up with a stuck reader: as much a missed deadline as the lookup that timed out.
      if (done.lost) this.stats.timedOut++;
      return done.value;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        this.stats.timedOut++;
        // The read is stuck in the kernel: later lookups must not queue behind it.
        this.files.restart();
        this.stats.readerRestarts = this.files.restarts;
      }
      // The reader settles every file error itself; anything else leaves the answer absent.
      return undefined;
    }
  }

  private read(q: HostQuery): Promise<ProcRead<Answer>> {
    if (q.kind === 'process') return this.reader.process(q.pid);
    if (q.kind === 'tgid') return this.reader.tgid(q.tid);
    return this.reader.socketEnd(q.pid, q.fd, q.like);
  }
}
