import type Database from 'better-sqlite3';
import { openWalDatabase } from '../../common/sqlite.js';
import { parseJson, stringifyJson, type Alert } from '../../contract/index.js';

/** An alert waiting in the spool, with the id that acknowledges it. */
export interface SpooledAlert {
  id: number;
  alert: Alert;
}

export interface SpoolOptions {
  /** Most alerts kept; past it the oldest are dropped (and counted) so the newest evidence survives. */
  maxAlerts: number;
}

/**
 * The detector's bounded on-disk queue of alerts not yet accepted by the sidekick. Alerts survive a
 * detector restart and a sidekick outage; when the queue is full the oldest are dropped and counted,
 * because an attacker flooding the queue should not be able to push out what happens next.
 */
export class AlertSpool {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string]>;
  private readonly select: Database.Statement<[number], { id: number; alert: string }>;
  private readonly deleteUpTo: Database.Statement<[number]>;
  private readonly count: Database.Statement<[], { n: number }>;
  private readonly trimOldest: Database.Statement<[number]>;
  private droppedTotal = 0;

  constructor(
    file: string,
    private readonly options: SpoolOptions,
  ) {
    this.db = openWalDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT, alert TEXT NOT NULL)');
    this.insert = this.db.prepare('INSERT INTO spool (alert) VALUES (?)');
    this.select = this.db.prepare('SELECT id, alert FROM spool ORDER BY id LIMIT ?');
    this.deleteUpTo = this.db.prepare('DELETE FROM spool WHERE id <= ?');
    this.count = this.db.prepare('SELECT count(*) AS n FROM spool');
    this.trimOldest = this.db.prepare('DELETE FROM spool WHERE id IN (SELECT id FROM spool ORDER BY id LIMIT ?)');
  }

  /** Appends alerts in one transaction; returns how many old alerts were dropped to make room. */
  push(alerts: readonly Alert[]): number {
    return this.db.transaction(() => {
      for (const alert of alerts) this.insert.run(stringifyJson(alert));
      const excess = this.depth() - this.options.maxAlerts;
      if (excess <= 0) return 0;
      this.trimOldest.run(excess);
      this.droppedTotal += excess;
      return excess;
    })();
  }

  /** The oldest alerts, up to `limit`, without removing them. */
  peek(limit: number): SpooledAlert[] {
    return this.select.all(limit).map((row) => ({ id: row.id, alert: parseJson(row.alert) as Alert }));
  }

  /** Removes every alert up to and including `id` (they were delivered). */
  ack(id: number): void {
    this.deleteUpTo.run(id);
  }

  depth(): number {
    return this.count.get()?.n ?? 0;
  }

  /** Alerts dropped because the spool was full, since this process started. */
  get dropped(): number {
    return this.droppedTotal;
  }

  close(): void {
    this.db.close();
  }
}
