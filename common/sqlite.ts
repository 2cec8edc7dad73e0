import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating its folder) one of Saker's SQLite files the way they all start: write-ahead log
 * with synchronous=NORMAL, so a commit survives a killed process and only an OS crash or power loss
 * can drop the last ones. Callers add what is theirs (busy timeout, cache, their own syncing).
 * `:memory:` opens an in-memory database.
 */
export function openWalDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
