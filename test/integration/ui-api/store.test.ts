import { afterEach, describe, expect, it } from 'vitest';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { isSakerError } from '../../../common/errors.js';
import { alertAt, tempDir, waitFor } from './support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function open(options: Omit<Parameters<typeof AlertStore.open>[0], 'directory'> = {}): { store: AlertStore; dir: string } {
  const tmp = tempDir('saker-store-');
  const store = AlertStore.open({ directory: tmp.dir, ...options });
  cleanups.push(tmp.remove, () => store.close());
  return { store, dir: tmp.dir };
}

describe('alert store', () => {
  it('keeps alerts, their indexes and full-text search across a restart', () => {
    const { store, dir } = open();
    const alerts = [
      alertAt(3, { rule: 'Write below etc', priority: 'Error', output: 'File below /etc opened for writing (file=/etc/shadow)' }),
      alertAt(2, { tags: ['k8s'] }),
      alertAt(1),
    ];
    store.insert(alerts);
    store.close();

    const reopened = AlertStore.open({ directory: dir });
    cleanups.push(() => reopened.close());
    expect(reopened.size()).toBe(3);
    expect(reopened.get(alerts[0]!.uuid!)?.alert).toEqual(alerts[0]);
    expect(reopened.search({ text: '/etc/sha' }, { limit: 10, offset: 0 }).alerts.map((s) => s.alert.uuid)).toEqual([alerts[0]!.uuid]);
    expect(reopened.count({ tags: ['k8s'] })).toBe(1);
    expect(reopened.search({}, { limit: 10, offset: 0 }).alerts.map((s) => s.alert.uuid)).toEqual([alerts[2]!.uuid, alerts[1]!.uuid, alerts[0]!.uuid]);
    // Sequence numbers continue after a restart, so stream cursors stay valid.
    const [seq] = reopened.insert([alertAt(0)]);
    expect(seq).toBe(4);
  });

  it('stores a redelivered alert (same uuid) once', () => {
    const { store } = open();
    const alert = alertAt(1);
    expect(store.insert([alert])).toHaveLength(1);
    expect(store.insert([alert])).toHaveLength(0);
    expect(store.count({})).toBe(1);
  });

  it('stores a batch of any size in order, once per uuid, with every tag and its search text', () => {
    const { store } = open();
    const alerts = Array.from({ length: 257 }, (_, i) => alertAt(1, { tags: [`t${i % 3}`, 'all'], output: `event u${i}x` }));
    expect(store.insert([alerts[0]!])).toEqual([1]);
    // 257 alerts span full 100-row statements and single rows; the first is stored already, the sixth comes twice.
    const seqs = store.insert([...alerts, alerts[5]!]);
    expect(seqs).toHaveLength(256);
    expect(seqs).toEqual(Array.from({ length: 256 }, (_, i) => i + 2));
    alerts.slice(1).forEach((alert, i) => expect(store.get(alert.uuid!)?.seq).toBe(seqs[i]));
    expect(store.count({})).toBe(257);
    expect(Object.fromEntries(store.countBy('tags', {}))).toEqual({ all: 257, t0: 86, t1: 86, t2: 85 });
    for (const i of [0, 5, 99, 100, 199, 200, 256]) expect(store.count({ text: `u${i}x` })).toBe(1);
  });

  it('assigns a uuid to an alert that has none, time-ordered as the sidekick makes them', () => {
    const { store } = open();
    const { uuid: _drop, ...withoutUuid } = alertAt(1);
    store.insert([withoutUuid, withoutUuid]);
    const stored = store.search({}, { limit: 2, offset: 0 }).alerts.map((s) => s.alert.uuid);
    expect(stored).toHaveLength(2);
    for (const uuid of stored) expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stored[0]).not.toBe(stored[1]);
  });

  it('tells which alerts it wrote when a batch repeats uuids inside one statement and across statements', () => {
    const { store } = open();
    const alerts = Array.from({ length: 230 }, (_, i) => alertAt(1, { output: `event v${i}y` }));
    store.insert([alerts[150]!, alerts[3]!]);
    // Within the first 100 rows: alert 7 twice and alert 3 already stored; alert 150 stored already
    // and repeated in the single-row tail; alert 40 again in the second full statement.
    const batch = [...alerts.slice(0, 50), alerts[7]!, ...alerts.slice(50, 200), alerts[40]!, ...alerts.slice(200), alerts[150]!];
    const seqs = store.insert(batch);
    const expected = alerts.filter((_, i) => i !== 3 && i !== 150);
    expect(seqs).toEqual(Array.from({ length: expected.length }, (_, i) => i + 3));
    expected.forEach((alert, i) => expect(store.get(alert.uuid!)?.seq).toBe(seqs[i]));
    expect(store.get(alerts[150]!.uuid!)?.seq).toBe(1);
    expect(store.get(alerts[3]!.uuid!)?.seq).toBe(2);
    expect(store.count({})).toBe(230);
    for (const i of [3, 7, 40, 150, 229]) expect(store.count({ text: `v${i}y` })).toBe(1);
    // Nothing new: every row of every statement is a redelivery.
    expect(store.insert(batch)).toEqual([]);
    expect(store.count({})).toBe(230);
  });

  it('batches add() calls into one commit and tells subscribers the range', async () => {
    const { store } = open();
    const ranges: { fromSeq: number; toSeq: number }[] = [];
    store.subscribe((range) => ranges.push(range));
    for (let i = 0; i < 10; i++) store.add(alertAt(i));
    expect(await waitFor(() => ranges.length > 0, 2000)).toBe(true);
    expect(ranges).toEqual([{ fromSeq: 1, toSeq: 10 }]);
    expect(store.count({})).toBe(10);
  });

  it('drops alerts received longer ago than maxAgeSeconds, with their tags and search entries', () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const { store } = open({ now: () => now, retention: { maxAgeSeconds: 3600, intervalMs: 0 } });
    store.insert([alertAt(0, { tags: ['old'], output: 'ancient zebra' }, now)]);
    now += 30 * 60_000;
    store.insert([alertAt(0, { output: 'recent' }, now)]);
    now += 45 * 60_000;
    expect(store.enforceRetention().deleted).toBe(1);
    expect(store.count({})).toBe(1);
    expect(store.count({ tags: ['old'] })).toBe(0);
    expect(store.count({ text: 'zebra' })).toBe(0);
    expect(store.countBy('tags', {}).has('old')).toBe(false);
  });

  it('keeps only the newest maxRows alerts as more arrive', () => {
    const { store } = open({ retention: { maxRows: 100, intervalMs: 0 } });
    const alerts = Array.from({ length: 250 }, (_, i) => alertAt(250 - i));
    for (let i = 0; i < alerts.length; i += 50) store.insert(alerts.slice(i, i + 50));
    expect(store.count({})).toBe(100);
    expect(store.get(alerts[149]!.uuid!)).toBeUndefined();
    expect(store.get(alerts[150]!.uuid!)).toBeDefined();
  });

  it('keeps the database under maxBytes by dropping the oldest alerts', () => {
    const maxBytes = 2 * 1024 * 1024;
    const { store } = open({ retention: { maxBytes, intervalMs: 0 } });
    const padding = 'x'.repeat(4000);
    const alerts = Array.from({ length: 2000 }, (_, i) => alertAt(2000 - i, { output_fields: { 'proc.cmdline': `${padding} ${i}` } }));
    for (let i = 0; i < alerts.length; i += 100) store.insert(alerts.slice(i, i + 100));
    expect(store.count({})).toBeLessThan(2000);
    expect(store.count({})).toBeGreaterThan(0);
    expect(store.get(alerts[1999]!.uuid!)).toBeDefined();
    expect(store.get(alerts[0]!.uuid!)).toBeUndefined();
  });

  it('enforces retention on its timer without any new insert', async () => {
    let now = Date.now();
    const { store } = open({ now: () => now, retention: { maxAgeSeconds: 60, intervalMs: 20 } });
    store.insert([alertAt(0, {}, now)]);
    now += 120_000;
    expect(await waitFor(() => store.count({}) === 0, 3000)).toBe(true);
  });

  it('counts per bucket and priority in the timeline', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    const { store } = open({ now: () => now, retention: { maxAgeSeconds: 0, intervalMs: 0 } });
    store.insert([
      alertAt(50, { priority: 'Critical' }, now),
      alertAt(50, { priority: 'Notice' }, now),
      alertAt(5, { priority: 'Critical' }, now),
    ]);
    const timeline = store.timeline({}, { buckets: 6, fromMs: now - 60 * 60_000, toMs: now });
    expect(timeline.step).toBe(10 * 60_000);
    expect(timeline.times).toHaveLength(6);
    expect(timeline.counts.Critical).toEqual([0, 1, 0, 0, 0, 1]);
    expect(timeline.counts.Notice).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it('refuses work once closed with SAKER_ERR_UI_STORE_CLOSED', () => {
    const { store } = open();
    store.close();
    try {
      store.insert([alertAt(1)]);
      expect.unreachable();
    } catch (error) {
      expect(isSakerError(error) && error.code).toBe('SAKER_ERR_UI_STORE_CLOSED');
    }
  });
});

describe('alert store search paths', () => {
  /** The page the generic SQL path gives: the same filter plus a no-op clause forces it. */
  function viaSql(store: AlertStore, text: string, limit: number, offset: number) {
    return store.search({ text, sinceMicros: 0 }, { limit, offset });
  }

  it('answers free text from the full-text index with the same page, order and total as the SQL path', () => {
    const { store } = open();
    const now = Date.now();
    // Arrival order differs from alert time: every third alert is a late one from an hour ago.
    const alerts = Array.from({ length: 3_000 }, (_, i) =>
      alertAt(i % 3 === 0 ? 60 + (i % 7) : (3_000 - i) / 100, { output: i % 5 === 0 ? `needle number ${i}` : `hay ${i}` }, now),
    );
    store.insert(alerts);
    for (const [limit, offset] of [
      [100, 0],
      [50, 550],
      [100, 550],
      [10, 595],
    ] as const) {
      const fast = store.search({ text: 'needle' }, { limit, offset });
      const sql = viaSql(store, 'needle', limit, offset);
      expect(fast.total).toBe(600);
      expect(fast.alerts.map((a) => a.seq)).toEqual(sql.alerts.map((a) => a.seq));
    }
    expect(store.count({ text: 'needle' })).toBe(600);
    // A rare word (sparse matches) takes the sort-the-matches path: same answer.
    const rare = store.search({ text: 'number 15' }, { limit: 100, offset: 0 });
    expect(rare.alerts.map((a) => a.seq)).toEqual(viaSql(store, 'number 15', 100, 0).alerts.map((a) => a.seq));
    expect(rare.total).toBeGreaterThan(0);
    // A snapshot cursor bounds the text path too.
    const cursor = store.lastSeq() - 1_000;
    expect(store.search({ text: 'needle', maxSeq: cursor }, { limit: 10, offset: 0 }).alerts.every((a) => a.seq <= cursor)).toBe(true);
  });

  it('reads free text newest-arrival first when arrival follows alert time, with the same answer', () => {
    const { store } = open();
    const now = Date.now();
    store.insert(Array.from({ length: 2_000 }, (_, i) => alertAt((2_000 - i) / 10, { output: i % 4 === 0 ? `needle ${i}` : `hay ${i}` }, now)));
    for (const [limit, offset] of [
      [100, 0],
      [100, 420],
      [100, 499],
    ] as const) {
      const fast = store.search({ text: 'needle' }, { limit, offset });
      expect(fast.total).toBe(500);
      expect(fast.alerts.map((a) => a.seq)).toEqual(viaSql(store, 'needle', limit, offset).alerts.map((a) => a.seq));
    }
  });

  it('pages a rule and priority filter from its covering index, newest first', () => {
    const { store } = open();
    const now = Date.now();
    store.insert(Array.from({ length: 500 }, (_, i) => alertAt(i % 50, { rule: `r${i % 4}`, priority: i % 2 ? 'Error' : 'Warning' }, now)));
    const { total, alerts } = store.search({ rules: ['r1'], priorities: ['Error'] }, { limit: 20, offset: 0 });
    expect(total).toBe(125);
    expect(alerts).toHaveLength(20);
    const times = alerts.map((a) => a.alert.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(alerts.every((a) => a.alert.rule === 'r1' && a.alert.priority === 'Error')).toBe(true);
  });
});
