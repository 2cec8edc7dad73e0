/**
 * Reads /proc files for the live detector on a worker thread, in batches. The main thread only posts
 * the paths and parses the texts that come back; the reads themselves (plain synchronous reads, the
 * cheapest way to read a /proc file) happen on the worker, so a slow or stuck read never holds up the
 * event loop. Measured against libuv's thread pool (`fs.readFile` per file: open, fstat, read, read,
 * close, each a round trip with its own completion on the main thread), one message per batch costs
 * the main thread a fraction of the CPU.
 *
 * A read that never returns (a process stuck in the kernel) holds the worker; whoever waits gives up
 * at its own deadline and calls `restart`: the stuck worker is abandoned (its thread ends when the read
 * does), everything it still owed is answered as failed, and a new worker takes the next batches.
 */
import { Worker } from 'node:worker_threads';

/** One file to read: a file's text, or a symbolic link's target. */
export type FileOp = readonly ['text' | 'link', string];

/** What one read gave: the text, or the error code it failed with (`ENOENT` once a process is gone). */
export type FileResult = { ok: true; value: string } | { ok: false; code: string };

/** Reads batches of files off the event loop. */
export interface ProcFiles {
  read(ops: readonly FileOp[]): Promise<FileResult[]>;
  /** Starts a reader now (a worker takes a moment to start), and settles once it runs. */
  start(): Promise<void>;
  /** Gives up on the current worker (see the module comment). */
  restart(): void;
  /** Stops the worker; later reads start a new one. */
  close(): void;
  /** How many workers were abandoned for a stuck read. */
  readonly restarts: number;
}

// Plain CommonJS, evaluated by the worker: no build step, no imports of ours.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { readFileSync, readlinkSync } = require('node:fs');
function one(op) {
  try {
    return { ok: true, value: op[0] === 'link' ? readlinkSync(op[1]) : readFileSync(op[1], 'utf8') };
  } catch (error) {
    return { ok: false, code: (error && error.code) || 'EIO' };
  }
}
parentPort.on('message', (batch) => {
  parentPort.postMessage(batch.map(([id, ops]) => [id, ops.map(one)]));
});
`;

const failed = (ops: readonly FileOp[], code: string): FileResult[] => ops.map(() => ({ ok: false, code }));

/** The worker-thread reader the live detector uses. */
export class WorkerProcFiles implements ProcFiles {
  restarts = 0;
  private worker: Worker | undefined;
  private nextId = 0;
  /** Requests posted to the current worker and not answered yet. */
  private readonly owed = new Map<number, { ops: readonly FileOp[]; resolve: (r: FileResult[]) => void; posted: boolean }>();
  private batch: [number, readonly FileOp[]][] = [];
  private flushing: NodeJS.Immediate | undefined;
  private online: Promise<void> = Promise.resolve();

  start(): Promise<void> {
    this.current();
    return this.online;
  }

  read(ops: readonly FileOp[]): Promise<FileResult[]> {
    if (ops.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const id = ++this.nextId;
      this.owed.set(id, { ops, resolve, posted: false });
      this.batch.push([id, ops]);
      // Everything asked for in this turn of the event loop goes in one message.
      this.flushing ??= setImmediate(() => this.flush());
    });
  }

  restart(): void {
    if (this.worker === undefined) return;
    this.restarts++;
    // What is not posted yet goes to the next worker, started right away.
    this.abandon('EABANDONED', (entry) => entry.posted);
    this.current();
  }

  close(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    this.batch = [];
    this.abandon('ECLOSED', () => true);
  }

  /** Drops the worker and answers, as failed with `code`, what it owed that `which` picks. */
  private abandon(code: string, which: (entry: { posted: boolean }) => boolean): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate().catch(() => undefined);
    for (const [id, entry] of this.owed) {
      if (!which(entry)) continue;
      this.owed.delete(id);
      entry.resolve(failed(entry.ops, code));
    }
  }

  private flush(): void {
    this.flushing = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    for (const [id] of batch) {
      const entry = this.owed.get(id);
      if (entry) entry.posted = true;
    }
    this.current().postMessage(batch);
  }

  private current(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.online = new Promise((resolve) => {
      worker.once('online', resolve);
      worker.once('exit', resolve);
    });
    // The detector's lifetime is decided elsewhere: an idle reader must not keep the process up.
    worker.unref();
    worker.on('message', (answers: [number, FileResult[]][]) => {
      if (worker !== this.worker) return;
      for (const [id, results] of answers) {
        const entry = this.owed.get(id);
        this.owed.delete(id);
        entry?.resolve(results);
      }
    });
    const lost = (): void => {
      if (worker === this.worker) this.abandon('EWORKER', (entry) => entry.posted);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }
}
