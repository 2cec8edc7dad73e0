import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Rows written (alerts accepted plus outcomes recorded) before the worker starts: a small outbox, and
 * every test that opens one for a handful of alerts, never pays for a thread.
 */
const START_AFTER_ROWS = 2000;

/**
 * Pause between two checkpoints. Short enough that the main connection's own checkpoint finds only a
 * few milliseconds' worth of log left to copy; long enough that pages written over and over (index
 * roots, the queue's hot end) are not copied back after every commit.
 */
const INTERVAL_MS = 20;

/**
 * Log pages at which the main connection checkpoints itself: SQLite's default while it does all the
 * copying; fewer such stops once the worker copies (each then finds only the worker's last 20 ms left).
 */
const AUTOCHECKPOINT_PAGES = { alone: 1000, withWorker: 4000 } as const;

/**
 * The worker allocates next to nothing (a timer and a statement): a small young generation instead of
 * V8's default keeps its isolate about a megabyte smaller. Should it ever run out, it ends, and the
 * main connection's own checkpoints take over (see `wrote`).
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } as const;

/**
 * The worker's code, plain CommonJS so it runs the same under tsx, vitest and the built files. It opens
 * its own connection to the outbox file and copies the write-ahead log back into the database, PASSIVE:
 * it never waits for, nor blocks, the main connection's writes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// The checkpoint syncs the log before copying and the file after, as the main connection would.
db.pragma('synchronous = NORMAL');
// Copying the log does not go through the page cache: keep this connection's small.
db.pragma('cache_size = -256');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Nothing to report: the main connection's automatic checkpoint still bounds the log.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Keeps SQLite's checkpoints (copying the write-ahead log back into the database file, then syncing
 * it) off the event loop. Left to the writing connection, a checkpoint of the default 1000 pages
 * stalls the event loop for tens of milliseconds every few thousand alerts: the latency tail of
 * every alert that arrives meanwhile. A worker thread copies the log as it grows; the main
 * connection keeps SQLite's own automatic checkpoint (less often), which then finds little left to copy and,
 * running between two of its own commits, lets the log start over from the beginning (a checkpoint
 * racing a busy writer never catches up far enough for that). If the worker fails or falls behind,
 * the automatic checkpoint still bounds the log as before, so the worker only moves work, it never
 * decides durability: commits are synced by the main connection exactly as without it.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private written = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** Counts rows the main connection committed; starts the worker once the outbox is busy enough to need it. */
  wrote(rows: number): void {
    if (this.worker !== undefined || this.closed) return;
    this.written += rows;
    if (this.written < START_AFTER_ROWS) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver, intervalMs: INTERVAL_MS }, resourceLimits: WORKER_HEAP_LIMITS });
    this.worker = worker;
    this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES.withWorker}`);
    // A worker that fails or ends changes nothing but where checkpoints run: the main connection's own
    // take over, at SQLite's default size again.
    const alone = (): void => {
      if (this.worker !== worker) return;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES.alone}`);
    };
    worker.on('error', alone);
    worker.on('exit', alone);
    worker.unref();
  }

  /** Stops the worker; an interrupted checkpoint is safe (SQLite resumes or redoes it). */
  close(): void {
    this.closed = true;
    this.worker?.postMessage('close');
    this.worker = undefined;
  }
}
