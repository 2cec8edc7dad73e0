import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Page cache of one connection, in KiB (negative `cache_size`): SQLite's own default of about 2 MB.
 * better-sqlite3 is built with 16 MB, which a queue-shaped file (appends at one end, deletes at the
 * other) fills within a minute of backlog without reading any faster: its hot pages are a few leaves
 * and the interior nodes, and evicted pages come back from the OS page cache. That was 14 MB of
 * every sidekick's resident memory per file. A store that serves queries sets its own (the alert store).
 */
export const DEFAULT_CACHE_KIB = 2000;

/**
 * Opens (creating its folder) one of Saker's SQLite files the way they all start: write-ahead log
 * with synchronous=NORMAL, so a commit survives a killed process and only an OS crash or power loss
 * can drop the last ones, and a page cache of DEFAULT_CACHE_KIB. Callers add what is theirs (busy
 * timeout, a larger cache, their own syncing). `:memory:` opens an in-memory database.
 */
export function openWalDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${DEFAULT_CACHE_KIB}`);
  return db;
}
