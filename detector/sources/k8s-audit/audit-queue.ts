import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { SakerError } from '../../../common/errors.js';
import { openWalDatabase } from '../../../common/sqlite.js';
import type { JsonEvent, JsonValue, TimedDocument } from '../json-event.js';
import { parseAuditPayload } from './parse.js';

/** How the audit queue is bounded. */
export interface AuditQueueOptions {
  /** Most events kept on disk (taken or not, until removed); appends past it are refused, never dropped. */
  maxQueued: number;
}

/** What an append came to: every event on disk, or none because they would not fit. */
export type AppendOutcome = 'accepted' | 'full';

interface PendingAppend {
  body: string;
  events: readonly TimedDocument[];
  settle: (outcome: AppendOutcome) => void;
  fail: (error: unknown) => void;
}

/** One stored request: its events are numbered `firstNum`, `firstNum + 1`, … */
interface Batch {
  id: number;
  firstNum: number;
  events: readonly TimedDocument[];
}

/** Stored requests read per step from disk. */
const ROWS_PER_READ = 16;
/** Events between two removal writes while the consumer keeps busy; also about how many one crash may replay. */
const REMOVE_EVERY = 4096;
/** How long the consumer stays idle before what it finished is written down. */
const IDLE_REMOVE_DELAY_MS = 1000;
/** Events kept in memory after their commit so the consumer need not re-read them from disk. */
const CACHE_LIMIT = 16_384;

function closedError(): SakerError {
  return new SakerError('SAKER_ERR_SOURCE_CLOSED', 'the k8s audit queue is closed');
}

/**
 * The webhook's bounded on-disk queue of audit events (SQLite in WAL mode), between the HTTP
 * handler that appends and the detector that consumes.
 *
 * Each accepted request is stored as one row holding its body exactly as received and the numbers
 * of its events; after a restart the events are parsed again from that body (the parse is
 * deterministic), so the hot path never re-serializes an event. Appends are grouped: the requests
 * that arrive while one commit is being made durable are committed together in the next single
 * transaction. A commit is made durable by syncing the write-ahead log to disk on libuv's thread
 * pool (SQLite itself runs with synchronous=NORMAL, which writes but does not sync), so the event
 * loop keeps parsing and evaluating while the disk works; each caller learns its outcome, and the
 * consumer sees its events, only after that sync — as with synchronous=FULL, an acknowledged
 * request survives power loss. A request is taken whole or refused whole — never half-queued — so a
 * retried request cannot duplicate part of itself.
 *
 * Delivery to the consumer is at-least-once: an event counts as finished once the consumer asks for
 * the next one or ends its loop (an exception included, so one poisonous event cannot wedge the
 * detector on every restart). What is finished is written down every few thousand events, a second
 * after the consumer goes idle, and at close; a crash can therefore replay up to that many events,
 * a clean close replays none. That write is not waited onto the disk (a lost one only replays), so
 * only appends pay for an fsync. Events are numbered once, at append, and keep their number across
 * restarts.
 */
export class AuditQueue {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, number, string]>;
  private readonly selectAfter: Database.Statement<[number, number], { id: number; first_num: number; count: number; body: string }>;
  private readonly deleteFinished: Database.Statement<[number]>;
  private readonly saveProgress: Database.Statement<[number]>;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  /** A descriptor of the write-ahead log, synced after each commit. */
  private readonly walFd: number;
  /** A commit is being synced; appends wait for the next one. */
  private syncing = false;
  /** Number of the last event appended. */
  private lastNum: number;
  /** Every event numbered up to here has been removed (its row deleted or its number recorded as finished). */
  private removedThrough: number;
  /** Last number handed to the consumer, and the last one it has finished with. */
  private taken: number;
  private finished: number;
  /** Highest row id only on disk; rows after it are (also) in `cache`, in order. */
  private diskOnlyThrough: number;
  private cache: Batch[] = [];
  private cachedEvents = 0;
  private lastReadRow = 0;
  private wake: (() => void) | undefined;
  private idleRemoval: NodeJS.Timeout | undefined;
  private consuming = false;
  private closed = false;
  /** Events lost to stored bodies that no longer parse (a damaged file). */
  unreadable = 0;

  constructor(
    file: string,
    private readonly options: AuditQueueOptions,
  ) {
    try {
      // synchronous=NORMAL: each commit is made durable by flush()'s fdatasync of the log; SQLite
      // itself still syncs around checkpoints and log resets.
      this.db = openWalDatabase(file);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS audit_requests (id INTEGER PRIMARY KEY AUTOINCREMENT, first_num INTEGER NOT NULL, count INTEGER NOT NULL, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS audit_progress (only INTEGER PRIMARY KEY CHECK (only = 1), finished_num INTEGER NOT NULL);
        INSERT OR IGNORE INTO audit_progress (only, finished_num) VALUES (1, 0);
        UPDATE audit_progress SET finished_num = finished_num;
      `);
      // The log exists now (the write above made sure); make it, its directory entry and the schema durable once.
      this.walFd = openSync(`${file}-wal`, 'r');
      fsyncSync(this.walFd);
      const dirFd = openSync(dirname(file), 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch (cause) {
      throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot open the k8s audit queue at ${file}`, { cause });
    }
    this.insert = this.db.prepare('INSERT INTO audit_requests (first_num, count, body) VALUES (?, ?, ?)');
    this.selectAfter = this.db.prepare('SELECT id, first_num, count, body FROM audit_requests WHERE id > ? ORDER BY id LIMIT ?');
    this.deleteFinished = this.db.prepare('DELETE FROM audit_requests WHERE first_num + count - 1 <= ?');
    this.saveProgress = this.db.prepare('UPDATE audit_progress SET finished_num = ? WHERE only = 1');
    const progress = this.db.prepare('SELECT finished_num AS n FROM audit_progress').get() as { n: number };
    const rows = this.db.prepare('SELECT coalesce(max(first_num + count - 1), 0) AS last, coalesce(max(id), 0) AS lastId FROM audit_requests').get() as {
      last: number;
      lastId: number;
    };
    this.lastNum = Math.max(rows.last, progress.n);
    this.removedThrough = progress.n;
    this.taken = progress.n;
    this.finished = progress.n;
    this.diskOnlyThrough = rows.lastId;
  }

  /** Events on disk that the consumer has not taken yet. */
  get queued(): number {
    return this.lastNum - this.taken;
  }

  /**
   * Queues a request's events with the body they were parsed from; resolves `accepted` once they
   * are committed, or `full` when they do not fit under `maxQueued` (nothing of the request is
   * kept). Rejects on a storage error or when the queue is closed.
   */
  append(body: string, events: readonly TimedDocument[]): Promise<AppendOutcome> {
    if (this.closed) return Promise.reject(closedError());
    if (events.length === 0) return Promise.resolve('accepted');
    return new Promise((settle, fail) => {
      this.pending.push({ body, events, settle, fail });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    // What arrives during a sync is committed after it (group commit); the sync's end flushes it.
    if (this.syncing || this.pending.length === 0) return;
    const requests = this.pending;
    this.pending = [];
    if (this.closed) {
      for (const r of requests) r.fail(closedError());
      return;
    }
    // Finished events not yet written down still count against the bound; write them down before refusing anyone.
    const incoming = requests.reduce((n, r) => n + r.events.length, 0);
    if (this.lastNum + incoming - this.removedThrough > this.options.maxQueued) this.removeFinished();
    const outcomes: AppendOutcome[] = [];
    const added: Batch[] = [];
    let lastNum = this.lastNum;
    try {
      this.db.transaction(() => {
        for (const r of requests) {
          if (lastNum + r.events.length - this.removedThrough > this.options.maxQueued) {
            outcomes.push('full');
            continue;
          }
          const { lastInsertRowid } = this.insert.run(lastNum + 1, r.events.length, r.body);
          added.push({ id: Number(lastInsertRowid), firstNum: lastNum + 1, events: r.events });
          lastNum += r.events.length;
          outcomes.push('accepted');
        }
      })();
    } catch (error) {
      for (const r of requests) r.fail(error);
      return;
    }
    this.lastNum = lastNum;
    this.syncing = true;
    fdatasync(this.walFd, (error) => {
      this.syncing = false;
      // Committed either way: the consumer gets the events. A failed sync is reported to the
      // senders, whose retries may then be handed over twice (at-least-once).
      this.remember(added);
      if (error) for (const r of requests) r.fail(error);
      else requests.forEach((r, i) => r.settle(outcomes[i] ?? 'full'));
      if (added.length > 0) this.wakeConsumer();
      if (this.closed) closeSync(this.walFd);
      else this.flush();
    });
  }

  // The cache must stay a suffix of the queue: when new requests do not fit, drop it all and let
  // the consumer read everything up to them from disk.
  private remember(added: Batch[]): void {
    const last = added.at(-1);
    if (last === undefined) return;
    const count = added.reduce((n, b) => n + b.events.length, 0);
    if (this.cachedEvents + count > CACHE_LIMIT) {
      this.cache = [];
      this.cachedEvents = 0;
      this.diskOnlyThrough = last.id;
      return;
    }
    this.cache.push(...added);
    this.cachedEvents += count;
  }

  private wakeConsumer(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The next stored requests: from disk while there are disk-only ones, then from memory. */
  private nextBatches(): Batch[] {
    if (this.lastReadRow < this.diskOnlyThrough) {
      const rows = this.selectAfter.all(this.lastReadRow, ROWS_PER_READ).filter((row) => row.id <= this.diskOnlyThrough);
      if (rows.length > 0) {
        return rows.map((row) => {
          this.lastReadRow = row.id;
          return { id: row.id, firstNum: row.first_num, events: this.reparse(row.body, row.count) };
        });
      }
      // Nothing left on disk below the cache: go on from memory.
      this.lastReadRow = this.diskOnlyThrough;
    }
    const batches = this.cache.splice(0, ROWS_PER_READ);
    for (const b of batches) {
      this.cachedEvents -= b.events.length;
      this.lastReadRow = b.id;
    }
    return batches;
  }

  /** The events of a stored body: the same parse that accepted them, on the same bytes, gives the same events. */
  private reparse(body: string, count: number): readonly TimedDocument[] {
    let payload: JsonValue;
    try {
      payload = JSON.parse(body) as JsonValue;
    } catch {
      // Only a damaged file gets here; its numbers are skipped rather than stopping the detector.
      this.unreadable += count;
      return [];
    }
    return parseAuditPayload(payload).events.slice(0, count);
  }

  /**
   * Writes down every event the consumer has finished with: fully finished requests go, the rest is
   * a number. A crash that loses this write only hands the events over again (at-least-once), so
   * it is not synced on its own; the next append's sync carries it to disk.
   */
  private removeFinished(): void {
    clearTimeout(this.idleRemoval);
    this.idleRemoval = undefined;
    if (this.closed || this.finished <= this.removedThrough) return;
    const through = this.finished;
    this.db.transaction(() => {
      this.deleteFinished.run(through);
      this.saveProgress.run(through);
    })();
    this.removedThrough = through;
  }

  /** Writes down what is finished once the consumer has been idle a while, not on every brief catch-up. */
  private scheduleRemoval(): void {
    if (this.idleRemoval !== undefined || this.finished <= this.removedThrough) return;
    this.idleRemoval = setTimeout(() => {
      this.idleRemoval = undefined;
      // Only while the consumer waits: it has then passed the turn in which its last events'
      // alerts were spooled (see consume). A busy consumer schedules again when next idle.
      if (this.wake !== undefined) this.removeFinished();
    }, IDLE_REMOVE_DELAY_MS);
    this.idleRemoval.unref();
  }

  /**
   * The queued events in order, then new ones as they are committed, each numbered (`num`) at append
   * and keeping that number across restarts. One consumer at a time; the iteration ends when the
   * queue is closed.
   */
  async *consume(): AsyncGenerator<JsonEvent> {
    if (this.consuming) throw new SakerError('SAKER_ERR_SOURCE_BUSY', 'the k8s audit queue already has a consumer');
    this.consuming = true;
    try {
      while (!this.closed) {
        const batches = this.nextBatches();
        if (batches.length === 0) {
          this.scheduleRemoval();
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        for (const { firstNum, events } of batches) {
          for (let i = 0; i < events.length; i++) {
            const num = firstNum + i;
            if (num <= this.taken) continue; // finished before a restart
            const event = events[i] as TimedDocument;
            this.taken = num;
            yield { time: event.time, doc: event.doc, num };
            if (this.closed) return;
            this.finished = num;
          }
        }
        // A consumer that never awaits anything would otherwise keep the HTTP server from running.
        // Writing down only after this turn also lets what the consumer scheduled for the next tick
        // (the alert emitter spools there) reach the disk before its events are dropped.
        await nextMacrotask();
        if (this.finished - this.removedThrough >= REMOVE_EVERY) this.removeFinished();
      }
    } finally {
      if (!this.closed) {
        this.finished = this.taken;
        this.removeFinished();
      }
      this.consuming = false;
    }
  }

  /**
   * Refuses further appends, writes down what the consumer has finished with, ends the consumer's
   * iteration and closes the database; events not yet finished stay on disk for the next open.
   */
  close(): void {
    if (this.closed) return;
    clearTimeout(this.idleRemoval);
    this.removeFinished();
    for (const r of this.pending.splice(0)) r.fail(closedError());
    this.closed = true;
    this.wakeConsumer();
    this.db.close();
    // A sync in flight closes the log's descriptor when it ends.
    if (!this.syncing) closeSync(this.walFd);
  }
}
