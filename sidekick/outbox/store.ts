import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openWalDatabase } from '../../common/sqlite.js';
import { parseJson, stringifyJson, type Alert } from '../../contract/index.js';
import { MultiRowInsert } from '../../common/multi-row-insert.js';
import { WalCheckpointer } from './checkpointer.js';

/** One alert waiting to be delivered to one output. */
export interface PendingDelivery {
  seq: number;
  alert: Alert;
  /** Attempts made so far. */
  attempts: number;
  /** When the delivery was queued (receipt, or replay), epoch ms. */
  createdAt: number;
  /** When it became (or becomes) due, epoch ms: its place in the queue (see `dueFrom`). */
  nextAt: number;
  /** The alert's JSON as stored, `stringifyJson(alert)`: outputs that send it as is need not serialise again. */
  json: string;
}

/** An accepted alert and the outputs it is owed to. */
export interface OutboxEntry {
  alert: Alert;
  outputs: readonly string[];
  /** `stringifyJson(alert)` when the caller has it already (ingest writes each alert's JSON once). */
  json?: string;
}

/** What one delivery attempt did to a pending row. */
export type Settlement =
  | { seq: number; kind: 'done' }
  | { seq: number; kind: 'retry'; attempts: number; nextAt: number; error: string }
  | { seq: number; kind: 'dead'; attempts: number; reason: string };

/** A delivery that failed for good, as the dead-letter API shows it. */
export interface DeadLetter {
  id: number;
  output: string;
  attempts: number;
  reason: string;
  /** Epoch ms. */
  failedAt: number;
  alert: Alert;
}

/**
 * Where one alert stands with one output: delivered (when, after how many attempts), pending (attempts
 * so far, next try, last error) or dead-lettered (why). What the web UI's detail panel shows.
 */
export type DeliveryRecord =
  | { output: string; state: 'delivered'; attempts: number; at: number }
  | { output: string; state: 'pending'; attempts: number; nextAt: number; error?: string }
  | { output: string; state: 'dead'; attempts: number; error: string; at: number };

/** How long, and how many, delivery confirmations are kept for `deliveryStatus`. */
export const DELIVERED_RETENTION = { maxAgeMs: 7 * 86_400_000, maxRows: 1_000_000 } as const;

/** Depth and age of one output's queue, for metrics. */
export interface QueueStats {
  output: string;
  depth: number;
  /** Epoch ms of the oldest pending delivery. */
  oldestAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  seq INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  output TEXT NOT NULL,
  alert_seq INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_error TEXT,
  PRIMARY KEY (output, alert_seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (output, next_at, alert_seq);
CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries (alert_seq);
CREATE TABLE IF NOT EXISTS deadletters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  output TEXT NOT NULL,
  alert_seq INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deadletters_alert ON deadletters (alert_seq);
CREATE INDEX IF NOT EXISTS deadletters_output ON deadletters (output, id);
-- Confirmed deliveries, so an alert's status survives its outbox rows; append-only by id, pruned from
-- the oldest (delivered_at grows with id), looked up by uuid.
CREATE TABLE IF NOT EXISTS delivered (
  id INTEGER PRIMARY KEY,
  alert_uuid TEXT NOT NULL,
  output TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS delivered_uuid ON delivered (alert_uuid);
`;

/** `user_version` of an outbox that stores no alert owed to no output (0: written before that). */
const OUTBOX_VERSION = 1;

/** Confirmed deliveries between two prunings of the `delivered` table. */
const PRUNE_DELIVERED_EVERY = 10_000;

/** One batch's outcome waiting for the next group commit, and who waits for it. */
interface QueuedSettlement {
  output: string;
  settlements: readonly Settlement[];
  now: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The file inside `datadir` that holds the outbox. */
export const OUTBOX_FILE = 'sidekick-outbox.sqlite';

/**
 * The durable outbox: accepted alerts and, per output, the deliveries still owed, in one SQLite file
 * (WAL). An alert is written here before ingest answers 2xx, and a delivery row is deleted only after
 * the output confirmed it, so a crash at any point re-delivers rather than loses (same uuid).
 * `synchronous=NORMAL` in WAL mode survives a killed process; only an OS crash or power loss can
 * drop the last commits.
 */
export class Outbox {
  private readonly db: Database.Database;
  private pending: number;
  private writeFailed = false;
  private deliveredSincePrune = 0;
  private readonly stmt;
  private readonly inserts;
  private readonly acceptTx;
  private readonly settleGroupTx;
  private readonly checkpointer: WalCheckpointer;
  /** Outcomes waiting for the group commit; at most one entry per send in flight, so bounded by the queues' concurrency. */
  private settleQueue: QueuedSettlement[] = [];

  constructor(dataDir: string) {
    const file = join(dataDir, OUTBOX_FILE);
    this.db = openWalDatabase(file);
    this.db.pragma('busy_timeout = 5000');
    this.checkpointer = new WalCheckpointer(file, this.db);
    this.db.exec(SCHEMA);
    const db = this.db;
    this.stmt = {
      // Index only (deliveries_due covers it): which rows, without reading their bodies.
      dueKeysFrom: db.prepare<[string, number, number, number], { seq: number }>(
        'SELECT alert_seq AS seq FROM deliveries WHERE output = ? AND next_at <= ? AND next_at >= ? ORDER BY next_at, alert_seq LIMIT ?',
      ),
      dueRowsFrom: db.prepare<[string, number, number, number], DueRow>(
        `SELECT d.alert_seq AS seq, a.body AS body, d.attempts AS attempts, d.created_at AS created_at, d.next_at AS next_at
         FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
         WHERE d.output = ? AND d.next_at <= ? AND d.next_at >= ? ORDER BY d.next_at, d.alert_seq LIMIT ?`,
      ),
      dueRow: db.prepare<[string, number], DueRow>(
        `SELECT d.alert_seq AS seq, a.body AS body, d.attempts AS attempts, d.created_at AS created_at, d.next_at AS next_at
         FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq WHERE d.output = ? AND d.alert_seq = ?`,
      ),
      nextDue: db.prepare<[string], { at: number | null }>('SELECT MIN(next_at) AS at FROM deliveries WHERE output = ?'),
      nextAt: db.prepare<[string, number], { next_at: number; attempts: number }>(
        'SELECT next_at, attempts FROM deliveries WHERE output = ? AND alert_seq = ?',
      ),
      deleteDelivery: db.prepare<[string, number]>('DELETE FROM deliveries WHERE output = ? AND alert_seq = ?'),
      reschedule: db.prepare<[number, number, string, string, number]>(
        'UPDATE deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE output = ? AND alert_seq = ?',
      ),
      insertDead: db.prepare<[string, number, number, string, number]>(
        'INSERT INTO deadletters (output, alert_seq, attempts, reason, failed_at) VALUES (?, ?, ?, ?, ?)',
      ),
      gcAlert: db.prepare<[number, number, number]>(
        `DELETE FROM alerts WHERE seq = ?
         AND NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_seq = ?)
         AND NOT EXISTS (SELECT 1 FROM deadletters WHERE alert_seq = ?)`,
      ),
      recordDeliveredSet: db.prepare<[number, string, string]>(
        `INSERT INTO delivered (alert_uuid, output, attempts, delivered_at)
         SELECT a.uuid, d.output, d.attempts + 1, ? FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq
         WHERE d.output = ? AND d.alert_seq IN (SELECT value FROM json_each(?))`,
      ),
      deleteDeliveriesSet: db.prepare<[string, string]>('DELETE FROM deliveries WHERE output = ? AND alert_seq IN (SELECT value FROM json_each(?))'),
      gcAlertsSet: db.prepare<[string]>(
        `DELETE FROM alerts WHERE seq IN (SELECT value FROM json_each(?))
         AND NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_seq = alerts.seq)
         AND NOT EXISTS (SELECT 1 FROM deadletters WHERE alert_seq = alerts.seq)`,
      ),
      countPending: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries'),
      pruneDelivered: db.prepare<[number, number]>(
        `DELETE FROM delivered WHERE id < MAX(
           (SELECT COALESCE(MAX(id), 0) FROM delivered) - ?,
           COALESCE((SELECT id FROM delivered WHERE delivered_at >= ? ORDER BY id LIMIT 1), (SELECT COALESCE(MAX(id), 0) + 1 FROM delivered)))`,
      ),
      deliveredOf: db.prepare<[string], { output: string; attempts: number; delivered_at: number }>(
        'SELECT output, attempts, delivered_at FROM delivered WHERE alert_uuid = ? ORDER BY id',
      ),
      pendingOf: db.prepare<[string], { output: string; attempts: number; next_at: number; last_error: string | null }>(
        `SELECT d.output, d.attempts, d.next_at, d.last_error FROM alerts a JOIN deliveries d ON d.alert_seq = a.seq WHERE a.uuid = ?`,
      ),
      deadOf: db.prepare<[string], { output: string; attempts: number; reason: string; failed_at: number }>(
        `SELECT x.output, x.attempts, x.reason, x.failed_at FROM alerts a JOIN deadletters x ON x.alert_seq = a.seq WHERE a.uuid = ? ORDER BY x.id`,
      ),
      stats: db.prepare<[], { output: string; depth: number; oldest: number }>(
        'SELECT output, COUNT(*) AS depth, MIN(created_at) AS oldest FROM deliveries GROUP BY output',
      ),
      ping: db.prepare<[], { one: number }>('SELECT 1 AS one'),
    };
    // Ingest writes a group's alerts, then their deliveries, a statement per many rows.
    this.inserts = {
      alerts: new MultiRowInsert(db, 'INSERT INTO alerts (uuid, body, received_at)', 3),
      deliveries: new MultiRowInsert(db, 'INSERT INTO deliveries (output, alert_seq, attempts, next_at, created_at)', 5),
    };
    this.pending = this.stmt.countPending.get()?.n ?? 0;
    // Outboxes written before alerts owed to nobody were skipped (user_version 0) still hold them:
    // removed once, by the first open that finds such a file, not scanned for at every start.
    if ((db.pragma('user_version', { simple: true }) as number) < OUTBOX_VERSION) {
      db.transaction(() => {
        db.exec(`DELETE FROM alerts WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE alert_seq = alerts.seq)
                 AND NOT EXISTS (SELECT 1 FROM deadletters WHERE alert_seq = alerts.seq)`);
        db.pragma(`user_version = ${OUTBOX_VERSION}`);
      })();
    }

    this.acceptTx = db.transaction((entries: readonly OutboxEntry[], now: number) => {
      // An alert no output is owed (none configured, or all filtered out) is not kept: only a
      // settled delivery removes an alert, so it would stay in the file for ever.
      const owed = entries.filter((entry) => entry.outputs.length > 0);
      const alertValues: unknown[] = [];
      for (const { alert, json } of owed) alertValues.push(alert.uuid as string, json ?? stringifyJson(alert), now);
      const deliveryValues: unknown[] = [];
      let at = 0;
      for (const { rows, lastRowid } of this.inserts.alerts.run(alertValues)) {
        // A plain INSERT writes every row or throws, and SQLite numbers new rows one past the largest:
        // an execution's rows hold the `rows` sequence numbers that end at its last rowid, in order.
        for (let i = 0; i < rows; i++) {
          const seq = lastRowid - rows + 1 + i;
          for (const output of (owed[at + i] as OutboxEntry).outputs) deliveryValues.push(output, seq, 0, now, now);
        }
        at += rows;
      }
      this.inserts.deliveries.run(deliveryValues);
    });
    const apply = (output: string, settlements: readonly Settlement[], now: number): void => {
      // Confirmed deliveries, the bulk of every settlement, are recorded a statement per batch.
      const done: number[] = [];
      for (const s of settlements) {
        if (s.kind === 'retry') this.stmt.reschedule.run(s.attempts, s.nextAt, s.error, output, s.seq);
        else if (s.kind === 'dead') {
          this.stmt.insertDead.run(output, s.seq, s.attempts, s.reason, now);
          this.stmt.deleteDelivery.run(output, s.seq);
          this.stmt.gcAlert.run(s.seq, s.seq, s.seq);
        } else done.push(s.seq);
      }
      if (done.length === 0) return;
      const seqs = JSON.stringify(done);
      // Recorded from the rows themselves (uuid, attempts), so a row already gone records nothing.
      this.stmt.recordDeliveredSet.run(now, output, seqs);
      this.stmt.deleteDeliveriesSet.run(output, seqs);
      this.stmt.gcAlertsSet.run(seqs);
    };
    this.settleGroupTx = db.transaction((queued: readonly QueuedSettlement[]) => {
      for (const q of queued) apply(q.output, q.settlements, q.now);
    });
  }

  /** Deliveries owed across all outputs (kept in memory so ingest can bound the outbox cheaply). */
  get pendingCount(): number {
    return this.pending;
  }

  /** Stores alerts and their deliveries in one transaction; throws if the disk write fails. */
  accept(entries: readonly OutboxEntry[], now: number): void {
    try {
      this.acceptTx(entries, now);
      this.writeFailed = false;
      this.checkpointer.wrote(entries.length);
    } catch (error) {
      this.writeFailed = true;
      throw error;
    }
    for (const entry of entries) this.pending += entry.outputs.length;
  }

  /**
   * Due deliveries for `output` not in flight, oldest first, due at `from` or later, looking at most at
   * `limit + skip` rows: a queue that knows at most `skip` of its rows in flight are due at or after
   * `from` reads only those and the new ones, instead of walking past everything it has in flight.
   * `complete` is true when the read looked at every row due from `from` to `now`.
   */
  dueFrom(
    output: string,
    now: number,
    from: number,
    limit: number,
    skip: number,
    inFlight: ReadonlySet<number>,
  ): { items: PendingDelivery[]; complete: boolean } {
    const rows: DueRow[] = [];
    let looked = 0;
    if (skip <= limit) {
      // Few rows in flight to walk past: one joined read, each skipped row costing its body.
      for (const row of this.stmt.dueRowsFrom.iterate(output, now, from, limit + skip)) {
        looked++;
        if (inFlight.has(row.seq)) continue;
        rows.push(row);
        if (rows.length >= limit) break;
      }
    } else {
      // Many (a queue with thousands in flight): keys first, so each row walked past costs an index entry.
      for (const { seq } of this.stmt.dueKeysFrom.iterate(output, now, from, limit + skip)) {
        looked++;
        if (inFlight.has(seq)) continue;
        const row = this.stmt.dueRow.get(output, seq);
        if (row) rows.push(row);
        if (rows.length >= limit) break;
      }
    }
    return { items: rows.map(pendingOf), complete: rows.length < limit && looked < limit + skip };
  }

  /** Earliest `next_at` among `output`'s pending deliveries, or undefined when it has none. */
  nextDueAt(output: string): number | undefined {
    return this.stmt.nextDue.get(output)?.at ?? undefined;
  }

  /** When a pending delivery is next attempted and how many attempts it has had (for tests and the API). */
  schedule(output: string, seq: number): { nextAt: number; attempts: number } | undefined {
    const row = this.stmt.nextAt.get(output, seq);
    return row ? { nextAt: row.next_at, attempts: row.attempts } : undefined;
  }

  /**
   * Records the outcome of a batch together with every other batch settled in the same turn of the
   * event loop: one transaction (one commit) for all of them, run from `setImmediate`. Resolves once
   * the outcome is on disk, rejects if the write failed (then the rows are still pending as before).
   * Until it resolves the caller must keep the rows in flight: they are still pending on disk, and a
   * crash before the commit re-delivers them (same uuid) rather than losing them.
   */
  settleSoon(output: string, settlements: readonly Settlement[], now: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.settleQueue.push({ output, settlements, now, resolve, reject }) === 1) setImmediate(() => this.flushSettlements());
    });
  }

  /** Commits the outcomes queued by `settleSoon` in one transaction and wakes their callers. */
  flushSettlements(): void {
    const queued = this.settleQueue;
    if (queued.length === 0) return;
    this.settleQueue = [];
    try {
      if (!this.db.open) throw new Error('the outbox is closed');
      this.settleGroupTx(queued);
    } catch (error) {
      for (const q of queued) q.reject(error);
      return;
    }
    for (const q of queued) this.settled(q.settlements, q.now);
    for (const q of queued) q.resolve();
  }

  /** Book-keeping after settlements were committed. */
  private settled(settlements: readonly Settlement[], now: number): void {
    this.checkpointer.wrote(settlements.length);
    for (const s of settlements) {
      if (s.kind !== 'retry') this.pending--;
      if (s.kind === 'done') this.deliveredSincePrune++;
    }
    if (this.deliveredSincePrune >= PRUNE_DELIVERED_EVERY) this.pruneDelivered(now);
  }

  /**
   * Where the alert with this uuid stands with each output it was routed to: delivered, pending or
   * dead-lettered. Empty for an alert the outbox never saw, or whose confirmations were pruned.
   */
  deliveryStatus(uuid: string): DeliveryRecord[] {
    const records: DeliveryRecord[] = [];
    for (const r of this.stmt.deliveredOf.all(uuid)) records.push({ output: r.output, state: 'delivered', attempts: r.attempts, at: r.delivered_at });
    for (const r of this.stmt.pendingOf.all(uuid)) {
      records.push({ output: r.output, state: 'pending', attempts: r.attempts, nextAt: r.next_at, ...(r.last_error ? { error: r.last_error } : {}) });
    }
    for (const r of this.stmt.deadOf.all(uuid)) records.push({ output: r.output, state: 'dead', attempts: r.attempts, error: r.reason, at: r.failed_at });
    return records.sort((a, b) => (a.output < b.output ? -1 : a.output > b.output ? 1 : 0));
  }

  /** Drops delivery confirmations beyond DELIVERED_RETENTION, oldest first. */
  pruneDelivered(now: number): number {
    this.deliveredSincePrune = 0;
    return this.stmt.pruneDelivered.run(DELIVERED_RETENTION.maxRows, now - DELIVERED_RETENTION.maxAgeMs).changes;
  }

  /** Dead letters, newest first. */
  deadLetters(options: { output?: string; limit: number; offset: number }): { total: number; items: DeadLetter[] } {
    const where = options.output === undefined ? '' : 'WHERE d.output = @output';
    const params = { output: options.output, limit: options.limit, offset: options.offset };
    const total = this.db.prepare(`SELECT COUNT(*) AS n FROM deadletters d ${where}`).get(params) as { n: number };
    const rows = this.db
      .prepare(
        `SELECT d.id, d.output, d.attempts, d.reason, d.failed_at, a.body FROM deadletters d
         JOIN alerts a ON a.seq = d.alert_seq ${where} ORDER BY d.id DESC LIMIT @limit OFFSET @offset`,
      )
      .all(params) as { id: number; output: string; attempts: number; reason: string; failed_at: number; body: string }[];
    return {
      total: total.n,
      items: rows.map((r) => ({
        id: r.id,
        output: r.output,
        attempts: r.attempts,
        reason: r.reason,
        failedAt: r.failed_at,
        alert: parseJson(r.body) as Alert,
      })),
    };
  }

  /**
   * Moves dead letters back into their outputs' queues with a fresh attempt budget (and a fresh max
   * age, counted from now). `ids` undefined means all; only outputs in `outputs` are replayed, since a
   * delivery for an output that is no longer configured would wait forever.
   */
  replay(ids: readonly number[] | undefined, outputs: ReadonlySet<string>, now: number): { replayed: number; skipped: number; outputs: string[] } {
    const run = this.db.transaction(() => {
      const selected = (
        ids === undefined
          ? this.db.prepare('SELECT id, output, alert_seq FROM deadletters').all()
          : ids.flatMap((id) => this.db.prepare('SELECT id, output, alert_seq FROM deadletters WHERE id = ?').all(id))
      ) as { id: number; output: string; alert_seq: number }[];
      const touched = new Set<string>();
      let replayed = 0;
      let skipped = 0;
      for (const row of selected) {
        if (!outputs.has(row.output)) {
          skipped++;
          continue;
        }
        const inserted = this.db
          .prepare('INSERT OR IGNORE INTO deliveries (output, alert_seq, attempts, next_at, created_at) VALUES (?, ?, 0, ?, ?)')
          .run(row.output, row.alert_seq, now, now);
        this.db.prepare('DELETE FROM deadletters WHERE id = ?').run(row.id);
        replayed += inserted.changes;
        touched.add(row.output);
      }
      return { replayed, skipped, outputs: [...touched] };
    });
    const result = run();
    this.pending += result.replayed;
    return result;
  }

  /** Depth and oldest pending delivery per output. */
  queueStats(): QueueStats[] {
    return this.stmt.stats.all().map((r) => ({ output: r.output, depth: r.depth, oldestAt: r.oldest }));
  }

  /** True while the store can be read and its last write succeeded. */
  isAvailable(): boolean {
    if (!this.db.open || this.writeFailed) return false;
    try {
      return this.stmt.ping.get()?.one === 1;
    } catch {
      return false;
    }
  }

  /** True once `close` has run. */
  get closed(): boolean {
    return !this.db.open;
  }

  close(): void {
    // Outcomes already confirmed by peers are written before the file closes, not re-delivered after a restart.
    if (this.db.open) this.flushSettlements();
    this.checkpointer.close();
    if (this.db.open) this.db.close();
  }
}

/** A due row as `dueRow` returns it. */
interface DueRow {
  seq: number;
  body: string;
  attempts: number;
  created_at: number;
  next_at: number;
}

/** A due row with its alert parsed. */
function pendingOf(row: DueRow): PendingDelivery {
  return { seq: row.seq, alert: parseJson(row.body) as Alert, attempts: row.attempts, createdAt: row.created_at, nextAt: row.next_at, json: row.body };
}
