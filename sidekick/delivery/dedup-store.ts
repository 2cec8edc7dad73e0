import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openWalDatabase } from '../../common/sqlite.js';
import { parseJson, stringifyJson, type Alert } from '../../contract/index.js';

/** The file inside `datadir` that holds open de-duplication windows (apart from the outbox, which it never blocks). */
export const DEDUP_FILE = 'sidekick-dedup.sqlite';

/** One open de-duplication window, as it survives a restart. */
export interface StoredWindow {
  output: string;
  /** The deduplicator's key: rule and chosen fields, as exact JSON. */
  key: string;
  /** Epoch ms at which the window closes. */
  endsAt: number;
  /**
   * The uuid the window's summary will carry, chosen when the window opened: a summary written again
   * after a crash between the outbox write and the row's removal is then the same delivery, not a new one.
   */
  summaryUuid: string;
  /** Repeats held back so far (0: none yet, no summary owed). */
  repeats: number;
  /** `time` of the first repeat. */
  first?: string;
  /** The latest repeat: the summary is this alert with the count added. */
  last?: Alert;
}

interface Row {
  output: string;
  key: string;
  ends_at: number;
  summary_uuid: string;
  repeats: number;
  first: string | null;
  last: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dedup_windows (
  output TEXT NOT NULL,
  key TEXT NOT NULL,
  ends_at INTEGER NOT NULL,
  summary_uuid TEXT NOT NULL,
  repeats INTEGER NOT NULL,
  first TEXT,
  last TEXT,
  PRIMARY KEY (output, key)
) WITHOUT ROWID;
`;

/**
 * Open de-duplication windows in SQLite (WAL, `synchronous=NORMAL`: a killed process loses nothing
 * that was written; only an OS crash or power loss can drop the last commits, as for the outbox).
 * Every change is written synchronously, so a repeat held back during routing is on disk before
 * ingest answers for it.
 */
export class DedupStore {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(dataDir: string) {
    this.db = openWalDatabase(join(dataDir, DEDUP_FILE));
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.stmt = {
      save: this.db.prepare<[string, string, number, string, number, string | null, string | null]>(
        `INSERT INTO dedup_windows (output, key, ends_at, summary_uuid, repeats, first, last) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (output, key) DO UPDATE SET ends_at = excluded.ends_at, summary_uuid = excluded.summary_uuid,
           repeats = excluded.repeats, first = excluded.first, last = excluded.last`,
      ),
      remove: this.db.prepare<[string, string]>('DELETE FROM dedup_windows WHERE output = ? AND key = ?'),
      all: this.db.prepare<[], Row>('SELECT output, key, ends_at, summary_uuid, repeats, first, last FROM dedup_windows ORDER BY ends_at, output, key'),
    };
  }

  /** True when `dataDir` holds windows from an earlier run (worth opening even with de-duplication now off). */
  static existsIn(dataDir: string): boolean {
    return existsSync(join(dataDir, DEDUP_FILE));
  }

  /** Writes the whole window (one statement, so a row is never half updated); throws if the disk write fails. */
  save(window: StoredWindow): void {
    this.stmt.save.run(
      window.output,
      window.key,
      window.endsAt,
      window.summaryUuid,
      window.repeats,
      window.first ?? null,
      window.last ? stringifyJson(window.last) : null,
    );
  }

  /**
   * Runs `work` in one transaction, so the windows it saves cost one commit together; throws if the
   * commit fails (none of its writes are then on disk).
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Forgets a window (its summary is queued, or none is owed). */
  remove(output: string, key: string): void {
    this.stmt.remove.run(output, key);
  }

  /** Every stored window, soonest to close first. */
  all(): StoredWindow[] {
    return this.stmt.all.all().map((row) => ({
      output: row.output,
      key: row.key,
      endsAt: row.ends_at,
      summaryUuid: row.summary_uuid,
      repeats: row.repeats,
      ...(row.first === null ? {} : { first: row.first }),
      ...(row.last === null ? {} : { last: parseJson(row.last) as Alert }),
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
