import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Alert, Priority } from '../../contract/index.js';
import { PRIORITIES, parseJson, prioritySeverity, stringifyJson, timeOrderedUuid } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import { openWalDatabase } from '../../common/sqlite.js';
import { UI_ERRORS } from './errors.js';
import { compileFilter, textWords, type AlertFilter, type CompiledFilter } from './filter.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';
import { TextPlanner, type TextPlan } from './text-plan.js';
import { MultiRowInsert } from '../../common/multi-row-insert.js';
import { timeToMicros } from './time.js';

/** How much the store keeps; whichever limit is hit first removes the oldest-received alerts. */
export interface RetentionOptions {
  /** Drop alerts received longer ago than this; 0 keeps them forever. Default 7 days. */
  maxAgeSeconds?: number;
  /** Keep at most this many alerts; 0 means no limit. Default 1,000,000. */
  maxRows?: number;
  /** Keep the database's used pages under this many bytes; 0 means no limit. Default 1 GiB. */
  maxBytes?: number;
  /** How often the timer enforces retention, besides after each insert batch. Default 60 s. */
  intervalMs?: number;
}

/** Where and how to open the store. */
export interface AlertStoreOptions {
  /** Folder for `alerts.db` (created if missing); `:memory:` for a throwaway store. */
  directory: string;
  retention?: RetentionOptions;
  /** Wall clock in epoch ms; tests inject one to age alerts without waiting. */
  now?: () => number;
  /** Where failures of background work (batched writes, the retention timer, subscribers) go. Default: stderr. */
  onError?: (error: unknown, during: 'flush' | 'retention' | 'notify') => void;
  /** SQLite page cache in KiB. Default PAGE_CACHE_KIB; bench/store.ts compares sizes with it. */
  pageCacheKib?: number;
}

/** One stored alert with its position in arrival order. */
export interface StoredAlert {
  /** Increases with every stored alert; the SSE event id and the snapshot cursor. */
  seq: number;
  alert: Alert & { uuid: string };
}

/** A range of newly stored sequence numbers, told to subscribers after each commit. */
export interface InsertedRange {
  fromSeq: number;
  toSeq: number;
}

/** Fields `countBy` groups on: falcosidekick-ui's `events/count/:groupby` values. */
export const GROUP_FIELDS = ['priority', 'rule', 'source', 'hostname', 'tags'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

/** Counts per time bucket and priority, columnar so a chart can use it directly. */
export interface Timeline {
  /** Start of the first bucket, epoch ms. */
  from: number;
  /** End of the last bucket (exclusive), epoch ms. */
  to: number;
  /** Bucket width in ms. */
  step: number;
  /** Start of each bucket, epoch ms. */
  times: number[];
  /** For each priority that occurs in the range, one count per bucket. */
  counts: Partial<Record<Priority, number[]>>;
}

/** What one retention pass removed. */
export interface RetentionResult {
  deleted: number;
}

interface Row {
  seq: number;
  body: string;
}

const GROUP_SQL: Record<GroupField, (where: string) => string> = {
  priority: (w) => `SELECT a.severity AS k, COUNT(*) AS n FROM alerts a WHERE ${w} GROUP BY a.severity`,
  rule: (w) => `SELECT a.rule AS k, COUNT(*) AS n FROM alerts a WHERE ${w} GROUP BY a.rule`,
  source: (w) => `SELECT a.source AS k, COUNT(*) AS n FROM alerts a WHERE ${w} GROUP BY a.source`,
  hostname: (w) => `SELECT a.hostname AS k, COUNT(*) AS n FROM alerts a WHERE ${w} GROUP BY a.hostname`,
  tags: (w) => `SELECT t.tag AS k, COUNT(*) AS n FROM alert_tags t JOIN alerts a ON a.seq = t.seq WHERE ${w} GROUP BY t.tag`,
};

/** Text the full-text index sees for the output fields: `name=value` pairs. */
function fieldsText(alert: Alert): string {
  return Object.entries(alert.output_fields)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(' ') : String(v)}`)
    .join('\n');
}

const DEFAULT_RETENTION: Required<RetentionOptions> = {
  maxAgeSeconds: 7 * 86_400,
  maxRows: 1_000_000,
  maxBytes: 1024 ** 3,
  intervalMs: 60_000,
};

/** Rows deleted per transaction, so retention never blocks inserts for long. */
const DELETE_CHUNK = 5_000;
/** Rows a newest-first walk of the time index may visit before sorting the matches is the better plan. */
const TIME_SCAN_BUDGET = 50_000;
/** A text search reads this many times the page from the full-text index, so mild disorder between arrival and alert time still gives the exact page. */
const TEXT_PAGE_SLACK = 2;
/** Queued alerts that force an immediate flush instead of waiting for the next turn of the loop. */
const FLUSH_AT = 2_000;

/**
 * The store's SQLite page cache in KiB when the caller gives none (`webui.pagecachemb` in the config,
 * same default). It is malloc'd, so it is resident memory of the sidekick, which must stay within
 * 150 MB with a black-holed output (issue #6); once the store outgrows it, a full cache is most of
 * the store's share of that memory. Measured on a shared, loaded machine (bench/store.ts --cache-mib,
 * 1,000,000 alerts, four runs; free-text search p95 / rule+priority p95):
 *   8 MiB: 203/55, 99/16, 31/5 ms   16 MiB: 30/8, 109/23 (tests running alongside), 30/11, 34/8 ms
 *   32 MiB: 79/9, 37/8, 39/7 ms     64 MiB: 62/11, 32/8, 23/4, 33/8 ms
 * CPU per search (runs 3–4) is the same at every size (free text 19–28 ms, rule+priority 1–2 ms),
 * and so is insert CPU (41–50 µs an alert, noise). Above 16 MiB searches get no faster; below it they are as
 * fast on a quiet machine, but free text reached 99–203 ms in two of three loaded runs at 8 MiB:
 * pages SQLite evicts come back through the OS page cache, which loaded neighbours squeeze too.
 * The sidekick's RSS phase (bench/sidekick.ts, store on) peaked at 129, 137–145, 157 and 163–193 MB
 * for 8, 16, 32 and 64 MiB; 144 MB at 16 MiB over 60 s, against 124 MB with the store off in the same
 * session. A store whose uuids are random (older stores, alerts replayed with their own) inserts slower
 * once its uuid index outgrows the cache: those pages then come back from the OS page cache.
 */
export const PAGE_CACHE_KIB = 16_384;

/**
 * Every alert the web UI can show, in one SQLite file (WAL). The sidekick's web UI output hands it
 * batches from the outbox through `insert`, one transaction each; its cost is mostly per transaction,
 * hence that output's linger (webui-route.ts). `add` batches single alerts itself, on the next turn of
 * the event loop. Retention runs after each batch and on a timer.
 */
export class AlertStore {
  private readonly db: Database.Database;
  private readonly retention: Required<RetentionOptions>;
  private readonly now: () => number;
  private readonly listeners = new Set<(range: InsertedRange) => void>();
  private pending: Alert[] = [];
  private flushScheduled: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rows: number;
  /** Row count when the planner's statistics were last refreshed. */
  private analyzedRows = 0;
  private closed = false;
  private readonly stmts: Statements;
  private readonly planner: TextPlanner;
  private readonly inserts: ReturnType<typeof prepareInserts>;
  private readonly onError: (error: unknown, during: 'flush' | 'retention' | 'notify') => void;

  private constructor(db: Database.Database, options: AlertStoreOptions) {
    this.db = db;
    this.now = options.now ?? Date.now;
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.stmts = prepareStatements(db);
    this.planner = new TextPlanner(db, 'alerts_fts');
    this.inserts = prepareInserts(db);
    this.onError = options.onError ?? ((error, during) => console.error(`alert store ${during} failed:`, error));
    this.rows = this.stmts.count.get()?.n ?? 0;
    if (this.retention.intervalMs > 0) {
      this.timer = setInterval(() => {
        try {
          this.enforceRetention();
          // Keeps the planner's statistics current, so `rule` beats `priority` as the index to use.
          this.db.pragma('optimize');
        } catch (error) {
          this.onError(error, 'retention');
        }
      }, this.retention.intervalMs);
      this.timer.unref();
    }
  }

  /** Opens (or creates) the store in `options.directory`; what was stored before is still there. */
  static open(options: AlertStoreOptions): AlertStore {
    let db: Database.Database;
    try {
      db = openWalDatabase(options.directory === ':memory:' ? ':memory:' : join(options.directory, 'alerts.db'));
      db.pragma(`cache_size = -${options.pageCacheKib ?? PAGE_CACHE_KIB}`);
      // A batch dirties a page per rule and per host and priority (and per uuid when they are random);
      // checkpointing every ~40 MB instead of every 4 MB copies a page rewritten by several batches into
      // the file once, not each time. Durability is unchanged: synchronous stays NORMAL.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma('temp_store = MEMORY');
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.pragma('optimize = 0x10002');
    } catch (cause) {
      throw new SakerError(UI_ERRORS.STORE_OPEN, `cannot open the alert store in ${options.directory}`, { cause });
    }
    return new AlertStore(db, options);
  }

  /** Queues an alert for the next batch; subscribers hear of it once it is committed. */
  add(alert: Alert): void {
    this.assertOpen();
    this.pending.push(alert);
    if (this.pending.length >= FLUSH_AT) {
      this.flush();
    } else {
      this.flushScheduled ??= setImmediate(() => {
        // Nobody awaits a background flush, so a failure (disk full, …) is reported, not thrown.
        try {
          this.flush();
        } catch (error) {
          this.onError(error, 'flush');
        }
      });
    }
  }

  /** Writes queued alerts now. */
  flush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0 && !this.closed) this.insert(batch);
  }

  /**
   * Stores alerts in one transaction and returns their sequence numbers (an alert whose uuid is already
   * stored is skipped, so a redelivery does not duplicate it). Alerts without a uuid get one.
   * `jsons`, when given, holds each alert's JSON exactly as `stringifyJson(alert)` writes it (the
   * sidekick's outbox has it already): it is stored as the body instead of serialising the alert again.
   * An alert without a uuid is still serialised here, since its body must carry the uuid it is given.
   */
  insert(alerts: readonly Alert[], jsons?: readonly string[]): number[] {
    this.assertOpen();
    if (jsons !== undefined && jsons.length !== alerts.length) {
      throw new RangeError(`insert: ${jsons.length} JSON bodies given for ${alerts.length} alerts`);
    }
    const storedAt = this.now();
    const write = this.db.transaction((list: readonly Alert[]) => {
      const withUuid = list.map((alert) => (alert.uuid ? (alert as Alert & { uuid: string }) : { ...alert, uuid: timeOrderedUuid() }));
      const values: unknown[] = [];
      withUuid.forEach((alert, i) => {
        const ts = timeToMicros(alert.time);
        const given = list[i] === alert ? jsons?.[i] : undefined;
        values.push(
          alert.uuid,
          Number.isFinite(ts) ? ts : storedAt * 1000,
          prioritySeverity(alert.priority),
          alert.rule,
          alert.source,
          alert.hostname,
          storedAt,
          given ?? stringifyJson(alert),
        );
      });
      const stored: number[] = [];
      const tags: unknown[] = [];
      const text: unknown[] = [];
      let at = 0;
      for (const result of this.inserts.alerts.run(values)) {
        // `seq` is the rowid, and SQLite numbers new rows one past the largest: the rows one execution
        // wrote hold the `changes` numbers that end at its last rowid, in the order they were given.
        const firstSeq = result.lastRowid - result.changes + 1;
        const claimed = new Set<number>();
        for (let i = 0; i < result.rows; i++) {
          const alert = withUuid[at + i] as Alert & { uuid: string };
          let seq: number | undefined = firstSeq + i;
          if (result.changes === 0) seq = undefined;
          else if (result.changes < result.rows) {
            // Some uuids were stored already (a redelivery, or twice in this batch): which rows were
            // written is told by where each uuid's row is now, and only its first copy counts.
            const found = this.stmts.seqOfUuid.get(alert.uuid);
            seq = found !== undefined && found >= firstSeq && !claimed.has(found) ? found : undefined;
            if (seq !== undefined) claimed.add(seq);
          }
          if (seq === undefined) continue;
          stored.push(seq);
          for (const tag of alert.tags) tags.push(tag, seq);
          text.push(seq, alert.output, fieldsText(alert));
        }
        at += result.rows;
      }
      this.inserts.tags.run(tags);
      this.inserts.fts.run(text);
      return stored;
    });
    const seqs = write(alerts);
    this.rows += seqs.length;
    const first = seqs[0];
    const last = seqs[seqs.length - 1];
    if (first !== undefined && last !== undefined) {
      this.enforceRetention();
      this.refreshStatistics();
      for (const listener of this.listeners) {
        // The batch is committed; one failing subscriber must neither undo that nor starve the others.
        try {
          listener({ fromSeq: first, toSeq: last });
        } catch (error) {
          this.onError(error, 'notify');
        }
      }
    }
    return seqs;
  }

  /** Calls `listener` after each committed batch; returns the function that stops it. */
  subscribe(listener: (range: InsertedRange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest sequence number stored so far (0 when empty). */
  lastSeq(): number {
    return this.stmts.lastSeq.get()?.s ?? 0;
  }

  /** The retention limits in force. */
  retentionOptions(): Readonly<Required<RetentionOptions>> {
    return this.retention;
  }

  /** How many alerts are stored. */
  size(): number {
    return this.rows;
  }

  /** One alert by uuid. */
  get(uuid: string): StoredAlert | undefined {
    const row = this.stmts.byUuid.get(uuid);
    return row && toStored(row);
  }

  /** A page of matching alerts, newest first (by alert time, then arrival), and how many match in all. */
  search(filter: AlertFilter, page: { limit: number; offset: number }): { total: number; alerts: StoredAlert[] } {
    const text = this.textOnly(filter);
    const answered = text && this.searchText(text, page);
    if (answered) return answered;
    const { where, params } = this.compile(filter);
    const total = this.count(filter);
    // When many alerts match, walking the time index newest-first and testing each is cheaper than
    // collecting every match and sorting it; SQLite cannot know that for FTS and tag subqueries.
    const scanned = total === 0 ? Number.POSITIVE_INFINITY : ((page.offset + page.limit) * this.rows) / total;
    const hint = scanned < TIME_SCAN_BUDGET ? 'INDEXED BY alerts_ts' : '';
    // Two steps: the page's sequence numbers from the indexes alone (a covering scan for a rule or host
    // plus priorities), then only those rows' bodies, instead of reading a body per match before sorting.
    const seqs = this.db
      .prepare<unknown[], number>(`SELECT a.seq FROM alerts a ${hint} WHERE ${where} ORDER BY a.ts DESC, a.seq DESC LIMIT ? OFFSET ?`)
      .pluck()
      .all(...params, page.limit, page.offset);
    return { total, alerts: this.bodies(seqs) };
  }

  /**
   * Free text alone, the UI's search box, answered by the full-text index without joining every match:
   * the total is counted inside it, and the page is read from it newest-arrival first (its rowid is
   * `seq`), with slack, then ordered by alert time. That is the exact page unless an alert that arrived
   * earlier carries a later time than the page's last one (a late or clock-skewed sender); one probe of
   * the time index checks that, and then the general path answers instead.
   */
  private searchText(text: { plan: TextPlan; maxSeq: number }, page: { limit: number; offset: number }): { total: number; alerts: StoredAlert[] } | undefined {
    const wanted = page.offset + page.limit;
    const candidates = this.stmts.ftsNewest.all(text.plan.match, text.maxSeq, wanted * TEXT_PAGE_SLACK);
    const timed = candidates.map((seq) => ({ seq, ts: this.stmts.tsOf.get(seq) ?? 0 }));
    timed.sort((a, b) => b.ts - a.ts || b.seq - a.seq);
    const lastOfPage = timed[Math.min(wanted, timed.length) - 1];
    const oldestRead = candidates[candidates.length - 1];
    const complete = candidates.length < wanted * TEXT_PAGE_SLACK;
    if (!complete && lastOfPage && oldestRead !== undefined && this.stmts.laterAmongEarlier.get(lastOfPage.ts, oldestRead) !== undefined) {
      return undefined;
    }
    return { total: this.countText(text), alerts: this.bodies(timed.slice(page.offset, wanted).map((t) => t.seq)) };
  }

  /** The stored alerts with these sequence numbers, in the order given (rows deleted meanwhile are skipped). */
  private bodies(seqs: readonly number[]): StoredAlert[] {
    const alerts: StoredAlert[] = [];
    for (const seq of seqs) {
      const row = this.stmts.bySeq.get(seq);
      if (row) alerts.push(toStored(row));
    }
    return alerts;
  }

  /** Matching alerts stored in a sequence range, oldest first: what a live stream sends next. */
  inRange(filter: AlertFilter, range: InsertedRange, limit: number): StoredAlert[] {
    const { where, params } = this.compile({ ...filter, afterSeq: range.fromSeq - 1, maxSeq: range.toSeq });
    return this.db
      .prepare<unknown[], Row>(`SELECT a.seq, a.body FROM alerts a WHERE ${where} ORDER BY a.seq LIMIT ?`)
      .all(...params, limit)
      .map(toStored);
  }

  /**
   * Every matching alert, newest first, read in batches by keyset so a large export neither holds a
   * read transaction open nor loads everything at once.
   */
  *iterate(filter: AlertFilter, batchSize = 500): Generator<StoredAlert> {
    const { where, params } = this.compile(filter);
    const first = this.db.prepare<unknown[], Row & { ts: number }>(
      `SELECT a.seq, a.ts, a.body FROM alerts a WHERE ${where} ORDER BY a.ts DESC, a.seq DESC LIMIT ?`,
    );
    const next = this.db.prepare<unknown[], Row & { ts: number }>(
      `SELECT a.seq, a.ts, a.body FROM alerts a WHERE ${where} AND (a.ts < ? OR (a.ts = ? AND a.seq < ?))
       ORDER BY a.ts DESC, a.seq DESC LIMIT ?`,
    );
    let batch = first.all(...params, batchSize);
    while (batch.length > 0 && !this.closed) {
      for (const row of batch) yield toStored(row);
      const last = batch[batch.length - 1];
      if (!last || batch.length < batchSize) return;
      batch = next.all(...params, last.ts, last.ts, last.seq, batchSize);
    }
  }

  /** How many alerts match. */
  count(filter: AlertFilter): number {
    const text = this.textOnly(filter);
    if (text) return this.countText(text);
    const { where, params } = this.compile(filter);
    return this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM alerts a WHERE ${where}`).get(...params)?.n ?? 0;
  }

  /** Matching alerts counted per value of `field` (per tag for `tags`). */
  countBy(field: GroupField, filter: AlertFilter): Map<string, number> {
    const { where, params } = this.compile(filter);
    const rows = this.db.prepare<unknown[], { k: string | number; n: number }>(GROUP_SQL[field](where)).all(...params);
    const counts = new Map<string, number>();
    for (const { k, n } of rows) {
      const key = field === 'priority' ? (PRIORITIES[Number(k)] ?? String(k)) : String(k);
      counts.set(key, n);
    }
    return counts;
  }

  /**
   * Matching alerts counted per time bucket and priority, in SQL. Without `fromMs`, the range runs from
   * the oldest matching alert (or an hour ago, if later) to now.
   */
  timeline(filter: AlertFilter, options: { buckets: number; fromMs?: number; toMs?: number }): Timeline {
    const { where, params } = this.compile(filter);
    let from = options.fromMs;
    let to = options.toMs ?? this.now();
    if (from === undefined) {
      // Up to now (or the newest alert, if its clock is ahead), and at least the last hour.
      const span = this.db
        .prepare<unknown[], { lo: number | null; hi: number | null }>(`SELECT MIN(a.ts) AS lo, MAX(a.ts) AS hi FROM alerts a WHERE ${where}`)
        .get(...params);
      if (span?.hi != null) to = Math.max(to, Math.floor(span.hi / 1000) + 1);
      from = Math.min(to - 3_600_000, span?.lo == null ? to : Math.floor(span.lo / 1000));
    }
    const buckets = Math.max(1, options.buckets);
    const step = Math.max(1, Math.ceil((to - from) / buckets));
    const times = Array.from({ length: buckets }, (_, i) => from + i * step);
    const rows = this.db
      .prepare<unknown[], { b: number; severity: number; n: number }>(
        `SELECT CAST((a.ts - ?) / ? AS INTEGER) AS b, a.severity, COUNT(*) AS n FROM alerts a
         WHERE ${where} AND a.ts >= ? AND a.ts < ? GROUP BY b, a.severity`,
      )
      .all(from * 1000, step * 1000, ...params, from * 1000, (from + buckets * step) * 1000);
    const counts: Partial<Record<Priority, number[]>> = {};
    for (const { b, severity, n } of rows) {
      const priority = PRIORITIES[severity];
      if (priority === undefined || b < 0 || b >= buckets) continue;
      const series = (counts[priority] ??= new Array<number>(buckets).fill(0));
      series[b] = n;
    }
    return { from, to: from + buckets * step, step, times, counts };
  }

  /** Removes what is older or beyond the size limits, oldest-received first. */
  enforceRetention(): RetentionResult {
    if (this.closed) return { deleted: 0 };
    let deleted = 0;
    const { maxAgeSeconds, maxRows, maxBytes } = this.retention;
    const cutoff = this.now() - maxAgeSeconds * 1000;
    // The oldest-received row tells whether anything is aged at all: after most inserts nothing is,
    // and then no delete (a transaction of its own) runs.
    if (maxAgeSeconds > 0 && (this.stmts.oldestStoredAt.get() ?? Number.POSITIVE_INFINITY) < cutoff) {
      const young = this.stmts.firstYoung.get(cutoff)?.seq;
      deleted += this.deleteUpTo(young === undefined ? Number.MAX_SAFE_INTEGER : young - 1, Number.POSITIVE_INFINITY);
    }
    if (maxRows > 0 && this.rows > maxRows) {
      deleted += this.deleteOldest(this.rows - maxRows);
    }
    // Freed pages are reused rather than returned to the OS, so "used pages" is the measure of size.
    for (let round = 0; maxBytes > 0 && round < 20 && this.rows > 0; round++) {
      if ((this.stmts.pages.get()?.n ?? 0) <= maxBytes) break;
      deleted += this.deleteOldest(Math.max(100, Math.ceil(this.rows / 20)));
    }
    return { deleted };
  }

  /** Stops the timer, writes what is queued and closes the file. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    this.db.close();
  }

  /**
   * Without statistics SQLite cannot tell that `rule` narrows more than `priority` and may walk the
   * wrong index. Sampled ANALYZE (cheap at any size) each time the store has doubled keeps them usable.
   */
  private refreshStatistics(): void {
    if (this.rows < 2 * this.analyzedRows + 1000) return;
    this.db.pragma('analysis_limit = 1000');
    this.db.exec('ANALYZE');
    this.analyzedRows = this.rows;
  }

  private deleteOldest(count: number): number {
    const rows = this.stmts.oldestSeqs.all(count);
    const last = rows[rows.length - 1];
    return last ? this.deleteUpTo(last.seq, count) : 0;
  }

  private deleteUpTo(seq: number, atMost: number): number {
    let deleted = 0;
    while (deleted < atMost) {
      const chunk = Math.min(DELETE_CHUNK, atMost - deleted);
      const changes = this.db.transaction(() => this.stmts.deleteUpTo.run(seq, chunk).changes)();
      deleted += changes;
      this.rows -= changes;
      if (changes < chunk) break;
    }
    return deleted;
  }

  /** Counts a text-only search as the sum of its plan's disjoint parts, inside the full-text index. */
  private countText(text: { plan: TextPlan; maxSeq: number }): number {
    let total = 0;
    for (const part of text.plan.countParts) total += this.stmts.ftsCount.get(part, text.maxSeq) ?? 0;
    return total;
  }

  /** The filter as SQL, its free text rewritten by the planner. */
  private compile(filter: AlertFilter): CompiledFilter {
    return compileFilter(filter, filter.text === undefined ? undefined : this.planner.plan(textWords(filter.text))?.match);
  }

  /**
   * The plan and snapshot of a filter that holds free text and nothing else (the snapshot bound
   * aside), the case the full-text index answers alone; undefined for any other filter.
   */
  private textOnly(filter: AlertFilter): { plan: TextPlan; maxSeq: number } | undefined {
    const { text, maxSeq, priorities, rules, sources, hostnames, tags, sinceMicros, afterSeq } = filter;
    if (text === undefined || priorities?.length || rules?.length || sources?.length || hostnames?.length || tags?.length) return undefined;
    if (sinceMicros !== undefined || afterSeq !== undefined) return undefined;
    const plan = this.planner.plan(textWords(text));
    return plan && { plan, maxSeq: maxSeq ?? Number.MAX_SAFE_INTEGER };
  }

  private assertOpen(): void {
    if (this.closed) throw new SakerError(UI_ERRORS.STORE_CLOSED, 'the alert store is closed');
  }
}

/** The inserts of a batch, many rows per statement. */
function prepareInserts(db: Database.Database) {
  return {
    alerts: new MultiRowInsert(db, 'INSERT OR IGNORE INTO alerts (uuid, ts, severity, rule, source, hostname, stored_at, body)', 8),
    tags: new MultiRowInsert(db, 'INSERT OR IGNORE INTO alert_tags (tag, seq)', 2),
    fts: new MultiRowInsert(db, 'INSERT INTO alerts_fts (rowid, output, fields)', 3),
  };
}

function prepareStatements(db: Database.Database) {
  return {
    byUuid: db.prepare<[string], Row>('SELECT seq, body FROM alerts WHERE uuid = ?'),
    seqOfUuid: db.prepare<[string], number>('SELECT seq FROM alerts WHERE uuid = ?').pluck(),
    bySeq: db.prepare<[number], Row>('SELECT seq, body FROM alerts WHERE seq = ?'),
    tsOf: db.prepare<[number], number>('SELECT ts FROM alerts WHERE seq = ?').pluck(),
    // The full-text index alone answers a text-only filter; its rows are deleted with their alerts.
    ftsNewest: db.prepare<[string, number, number], number>(
      'SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT ?',
    ).pluck(),
    // Any alert that arrived before `seq` with a time after `ts`: one that could outrank the page.
    laterAmongEarlier: db.prepare<[number, number], number>('SELECT 1 FROM alerts INDEXED BY alerts_ts WHERE ts > ? AND seq < ? LIMIT 1').pluck(),
    ftsCount: db.prepare<[string, number], number>('SELECT COUNT(*) FROM alerts_fts WHERE alerts_fts MATCH ? AND rowid <= ?').pluck(),

    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM alerts'),
    lastSeq: db.prepare<[], { s: number | null }>('SELECT MAX(seq) AS s FROM alerts'),
    oldestSeqs: db.prepare<[number], { seq: number }>('SELECT seq FROM alerts ORDER BY seq LIMIT ?'),
    // The first young row in arrival order; everything before it is aged (cost: the aged rows only).
    oldestStoredAt: db.prepare<[], number>('SELECT stored_at FROM alerts ORDER BY seq LIMIT 1').pluck(),
    firstYoung: db.prepare<[number], { seq: number }>('SELECT seq FROM alerts WHERE stored_at >= ? ORDER BY seq LIMIT 1'),
    deleteUpTo: db.prepare('DELETE FROM alerts WHERE seq IN (SELECT seq FROM alerts WHERE seq <= ? ORDER BY seq LIMIT ?)'),
    pages: db.prepare<[], { n: number }>('SELECT (page_count - freelist_count) * page_size AS n FROM pragma_page_count, pragma_freelist_count, pragma_page_size'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

function toStored(row: Row): StoredAlert {
  return { seq: row.seq, alert: parseJson(row.body) as Alert & { uuid: string } };
}
