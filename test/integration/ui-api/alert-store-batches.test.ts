import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { stringifyJson, type Alert } from '../../../contract/index.js';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { MultiRowInsert } from '../../../common/multi-row-insert.js';
import { alertAt, tempDir } from './support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function open(): { store: AlertStore; dir: string } {
  const tmp = tempDir('saker-store-batches-');
  const store = AlertStore.open({ directory: tmp.dir, retention: { intervalMs: 0 } });
  cleanups.push(tmp.remove, () => store.close());
  return { store, dir: tmp.dir };
}

/** The stored bodies by uuid, read from the file by a second connection, byte for byte. */
function rawBodies(dir: string): Map<string, string> {
  const db = new Database(join(dir, 'alerts.db'), { readonly: true });
  try {
    const rows = db.prepare<[], { uuid: string; body: string }>('SELECT uuid, body FROM alerts').all();
    return new Map(rows.map((r) => [r.uuid, r.body]));
  } finally {
    db.close();
  }
}

describe('multi-row insert', () => {
  // Rows per execution: full groups of 100, then the remainder as powers of two.
  const cases: [rows: number, executions: number[]][] = [
    [1, [1]],
    [7, [4, 2, 1]],
    [99, [64, 32, 2, 1]],
    [101, [100, 1]],
    [250, [100, 100, 32, 16, 2]],
  ];
  for (const [rows, executions] of cases) {
    it(`writes ${rows} rows in order, in ${executions.length} executions`, () => {
      const db = new Database(':memory:');
      cleanups.push(() => db.close());
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL)');
      const insert = new MultiRowInsert(db, 'INSERT OR IGNORE INTO t (name, n)', 2);
      const values = Array.from({ length: rows }, (_, i) => [`row ${i}`, i]).flat();
      const results = insert.run(values);
      expect(results.map((r) => r.rows)).toEqual(executions);
      expect(results.map((r) => r.changes)).toEqual(executions);
      // Each execution's rows end at its last rowid, one after the other.
      let last = 0;
      for (const r of results) {
        expect(r.lastRowid).toBe(last + r.rows);
        last = r.lastRowid;
      }
      expect(db.prepare('SELECT id, name, n FROM t ORDER BY id').all()).toEqual(Array.from({ length: rows }, (_, i) => ({ id: i + 1, name: `row ${i}`, n: i })));
      // The same rows again are all ignored: no changes, and the last rowid stays where it was.
      const again = insert.run(values);
      expect(again.map((r) => r.changes)).toEqual(executions.map(() => 0));
      for (const r of again) expect(r.lastRowid).toBe(rows);
    });
  }

  it('refuses values that do not make whole rows', () => {
    const db = new Database(':memory:');
    cleanups.push(() => db.close());
    db.exec('CREATE TABLE t (a, b)');
    expect(() => new MultiRowInsert(db, 'INSERT INTO t (a, b)', 2).run([1, 2, 3])).toThrow(/3 values do not make rows of 2/);
  });
});

describe('alert store batches', () => {
  for (const size of [1, 7, 99, 101, 250]) {
    it(`stores a batch of ${size} with redeliveries inside it and from before, each once, with its own seq`, () => {
      const { store } = open();
      const alerts = Array.from({ length: size }, (_, i) => alertAt(1, { output: `event w${i}z`, tags: [`t${i % 2}`] }));
      // One alert stored before (a redelivery), and the first and last repeated at the end of the batch.
      const before = alerts[Math.floor(size / 2)]!;
      expect(store.insert([before])).toEqual([1]);
      const batch = [...alerts, alerts[0]!, alerts[size - 1]!];
      const seqs = store.insert(batch);
      const fresh = alerts.filter((a) => a !== before);
      expect(seqs).toEqual(Array.from({ length: fresh.length }, (_, i) => i + 2));
      fresh.forEach((alert, i) => expect(store.get(alert.uuid!)?.seq).toBe(seqs[i]));
      expect(store.get(before.uuid!)?.seq).toBe(1);
      expect(store.count({})).toBe(size);
      expect(store.count({ tags: ['t0'] }) + store.count({ tags: ['t1'] })).toBe(size);
      for (const i of new Set([0, Math.floor(size / 2), size - 1])) expect(store.count({ text: `w${i}z` })).toBe(1);
      // Everything again: nothing new.
      expect(store.insert(batch)).toEqual([]);
      expect(store.count({})).toBe(size);
    });
  }

  it('stores the JSON it is given as each body, byte for byte, instead of serialising again', () => {
    const { store, dir } = open();
    const alerts = Array.from({ length: 3 }, (_, i) => alertAt(i));
    // Equivalent JSON in another key order: only a body taken as given comes back in this form.
    const jsons = alerts.map((a) => JSON.stringify(Object.fromEntries(Object.entries(a).reverse())));
    expect(jsons[0]).not.toBe(stringifyJson(alerts[0]!));
    expect(store.insert(alerts, jsons)).toEqual([1, 2, 3]);
    const bodies = rawBodies(dir);
    alerts.forEach((a, i) => expect(bodies.get(a.uuid!)).toBe(jsons[i]));
    expect(store.get(alerts[1]!.uuid!)?.alert).toEqual(alerts[1]);
  });

  it('serialises an alert without a uuid itself, so its body carries the uuid it is given', () => {
    const { store, dir } = open();
    const { uuid: _drop, ...withoutUuid } = alertAt(1);
    const withUuid = alertAt(2);
    store.insert([withoutUuid as Alert, withUuid], [stringifyJson(withoutUuid as Alert), stringifyJson(withUuid)]);
    const bodies = rawBodies(dir);
    expect(bodies.size).toBe(2);
    for (const [uuid, body] of bodies) expect((JSON.parse(body) as Alert).uuid).toBe(uuid);
    expect(bodies.get(withUuid.uuid!)).toBe(stringifyJson(withUuid));
  });

  it('refuses a JSON list that does not match the alerts', () => {
    const { store } = open();
    expect(() => store.insert([alertAt(1), alertAt(2)], ['{}'])).toThrow(/1 JSON bodies given for 2 alerts/);
    expect(store.count({})).toBe(0);
  });
});
