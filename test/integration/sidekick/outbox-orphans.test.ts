import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { Outbox, OUTBOX_FILE } from '../../../sidekick/outbox/store.js';
import { FALCO_ALERT } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function outboxDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'saker-orphans-'));
  dirs.push(dir);
  return dir;
}

function alert(uuid: string): Alert {
  return { ...FALCO_ALERT, uuid } as Alert;
}

/** The uuids of the alert rows in the outbox file, read with a connection of its own. */
function storedUuids(dir: string): string[] {
  const db = new Database(join(dir, OUTBOX_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT uuid FROM alerts ORDER BY seq').all() as { uuid: string }[]).map((r) => r.uuid);
  } finally {
    db.close();
  }
}

describe('outbox: alerts owed to no output', () => {
  it('keeps no row for an alert no output is owed, so none stays in the file for ever', () => {
    const dir = outboxDir();
    const outbox = new Outbox(dir);
    outbox.accept(
      [
        { alert: alert('owed-to-nobody'), outputs: [] },
        { alert: alert('owed-to-webhook'), outputs: ['webhook'] },
      ],
      Date.now(),
    );
    expect(outbox.pendingCount).toBe(1);
    outbox.close();
    expect(storedUuids(dir)).toEqual(['owed-to-webhook']);
  });

  it('removes on open the rows an older outbox kept for such alerts, and only those', () => {
    const dir = outboxDir();
    const first = new Outbox(dir);
    const now = Date.now();
    first.accept(
      [
        { alert: alert('pending'), outputs: ['webhook'] },
        { alert: alert('dead'), outputs: ['webhook'] },
      ],
      now,
    );
    first.close();
    // What an outbox written before this fix holds: an alert row with no delivery and no dead letter,
    // next to a pending delivery and a dead letter.
    const db = new Database(join(dir, OUTBOX_FILE));
    db.pragma('user_version = 0'); // as such an outbox was marked
    db.prepare("INSERT INTO alerts (uuid, body, received_at) VALUES ('orphan', '{}', ?)").run(now);
    const dead = db.prepare("SELECT seq FROM alerts WHERE uuid = 'dead'").get() as { seq: number };
    db.prepare("DELETE FROM deliveries WHERE alert_seq = ?").run(dead.seq);
    db.prepare("INSERT INTO deadletters (output, alert_seq, attempts, reason, failed_at) VALUES ('webhook', ?, 3, 'gone', ?)").run(dead.seq, now);
    db.close();

    new Outbox(dir).close();
    expect(storedUuids(dir)).toEqual(['pending', 'dead']);
  });
});
