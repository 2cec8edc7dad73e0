import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { DEDUP_COUNT_FIELD, DEDUP_FIRST_FIELD, DedupMetrics, Deduplicator } from '../../../sidekick/delivery/dedup.js';
import { DedupStore, type StoredWindow } from '../../../sidekick/delivery/dedup-store.js';
import { Router } from '../../../sidekick/routing/router.js';
import type { Output } from '../../../outputs/output.js';

const alert = (rule: string, fields: Alert['output_fields'] = {}, hostname = 'h'): Alert => ({
  time: '2026-11-22T10:00:00Z',
  rule,
  priority: 'Warning',
  source: 'syscall',
  hostname,
  output: '',
  output_fields: fields,
  tags: [],
  uuid: `${rule}-${Object.keys(fields).join(',')}`,
});

let registry: Registry;
let summaries: { alert: Alert; output: string }[];
const make = (fields: string[], maxKeys = 100) =>
  new Deduplicator('out', { windowMs: 60_000, fields, maxKeys }, new DedupMetrics(registry), () => (summary, output) => summaries.push({ alert: summary, output }));

const counted = async (outcome: string) => {
  const metric = await registry.getSingleMetricAsString('saker_sidekick_dedup_total');
  return Number(new RegExp(`outcome="${outcome}"} (\\d+)`).exec(metric)?.[1] ?? 0);
};

beforeEach(() => {
  vi.useFakeTimers();
  registry = new Registry();
  summaries = [];
});
afterEach(() => vi.useRealTimers());

describe('Deduplicator', () => {
  it('tells alerts apart by rule and the chosen fields only', () => {
    const dedup = make(['proc.name']);
    expect(dedup.admit(alert('a', { 'proc.name': 'bash', 'fd.name': '/x' }))).toBe(true);
    expect(dedup.admit(alert('a', { 'proc.name': 'bash', 'fd.name': '/y' }, 'other-host'))).toBe(false);
    expect(dedup.admit(alert('a', { 'proc.name': 'sh' }))).toBe(true);
    expect(dedup.admit(alert('b', { 'proc.name': 'bash' }))).toBe(true);
    expect(dedup.openWindows).toBe(3);
  });

  it('keys on exact nanosecond integers beyond 2^53 without losing or choking on them', () => {
    const dedup = make(['evt.rawtime']);
    expect(dedup.admit(alert('a', { 'evt.rawtime': 1700000000123456789n }))).toBe(true);
    expect(dedup.admit(alert('a', { 'evt.rawtime': 1700000000123456789n }))).toBe(false);
    expect(dedup.admit(alert('a', { 'evt.rawtime': 1700000000123456790n }))).toBe(true);
  });

  it('sends one summary per window that had repeats, when it closes', () => {
    const dedup = make(['hostname']);
    dedup.admit(alert('a'));
    dedup.admit(alert('a'));
    dedup.admit(alert('a'));
    dedup.admit(alert('b'));
    vi.advanceTimersByTime(60_000);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.output).toBe('out');
    expect(summaries[0]?.alert.output_fields[DEDUP_COUNT_FIELD]).toBe(2);
    expect(summaries[0]?.alert.uuid).not.toBe(alert('a').uuid);
    expect(dedup.openWindows).toBe(0);
    expect(dedup.admit(alert('a'))).toBe(true);
  });

  it('delivers new kinds as they are once maxkeys windows are open, and counts them', async () => {
    const dedup = make([], 2);
    expect([dedup.admit(alert('a')), dedup.admit(alert('b')), dedup.admit(alert('c')), dedup.admit(alert('c'))]).toEqual([true, true, true, true]);
    expect(await counted('overflow')).toBe(2);
    expect(await counted('delivered')).toBe(2);
  });

  it('counts a summary that cannot be queued', async () => {
    const dedup = new Deduplicator('out', { windowMs: 1000, fields: [], maxKeys: 10 }, new DedupMetrics(registry), () => () => {
      throw new Error('disk full');
    });
    dedup.admit(alert('a'));
    dedup.admit(alert('a'));
    dedup.flush();
    expect(await counted('summary_failed')).toBe(1);
  });
});

describe('DedupStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'saker-dedup-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const window = (key: string, extra: Partial<StoredWindow> = {}): StoredWindow => ({ output: 'out', key, endsAt: 1_000, summaryUuid: `uuid-${key}`, repeats: 0, ...extra });

  it('keeps windows across a reopen, exact integers in the last repeat included', () => {
    const store = new DedupStore(dir);
    store.save(window('k1'));
    store.save(window('k2', { endsAt: 500, repeats: 3, first: '2026-11-22T10:00:01Z', last: alert('a', { 'evt.rawtime': 1700000000123456789n }) }));
    store.close();
    const reopened = new DedupStore(dir);
    expect(reopened.all()).toEqual([
      window('k2', { endsAt: 500, repeats: 3, first: '2026-11-22T10:00:01Z', last: alert('a', { 'evt.rawtime': 1700000000123456789n }) }),
      window('k1'),
    ]);
    reopened.close();
    expect(DedupStore.existsIn(dir)).toBe(true);
  });

  it('replaces a window as a whole on save and forgets it on remove', () => {
    const store = new DedupStore(dir);
    store.save(window('k', { repeats: 1, first: 't1', last: alert('a') }));
    store.save(window('k', { repeats: 2, first: 't1', last: alert('b') }));
    expect(store.all()).toEqual([window('k', { repeats: 2, first: 't1', last: alert('b') })]);
    store.remove('out', 'k');
    expect(store.all()).toEqual([]);
    store.close();
  });
});

describe('Deduplicator with a store (surviving a crash)', () => {
  let dir: string;
  const stores: DedupStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'saker-dedup-'));
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    const store = new DedupStore(dir);
    stores.push(store);
    return store;
  };
  const sink = () => (summary: Alert, output: string) => summaries.push({ alert: summary, output });
  const withStore = (store: DedupStore, windowMs = 60_000) => new Deduplicator('out', { windowMs, fields: ['hostname'], maxKeys: 100 }, new DedupMetrics(registry), sink, store);
  const repeatAt = (time: string, uuid: string): Alert => ({ ...alert('a'), time, uuid });

  it('has every held repeat on disk as soon as admit returns', () => {
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const dedup = withStore(open());
    dedup.admit(alert('a'));
    dedup.admit(repeatAt('t1', 'r1'));
    dedup.admit(repeatAt('t2', 'r2'));
    // Read through another connection, as the next process would after a kill: nothing was closed or flushed.
    const [stored, ...rest] = open().all();
    expect(rest).toEqual([]);
    expect(stored).toMatchObject({ output: 'out', endsAt: Date.parse('2026-11-22T10:01:00Z'), repeats: 2, first: 't1', last: { uuid: 'r2', time: 't2' } });
  });

  it('summarises at start-up a window whose end passed while the sidekick was down, under the uuid chosen at opening', async () => {
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const crashed = withStore(open());
    crashed.admit(alert('a'));
    crashed.admit(repeatAt('t1', 'r1'));
    crashed.admit(repeatAt('t2', 'r2'));
    const [stored] = open().all();

    vi.setSystemTime(new Date('2026-11-22T10:05:00Z'));
    registry = new Registry();
    const store = open();
    const restarted = withStore(store);
    for (const window of store.all()) restarted.resume(window);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.alert).toMatchObject({ uuid: stored?.summaryUuid, time: 't2', output_fields: { [DEDUP_COUNT_FIELD]: 2, [DEDUP_FIRST_FIELD]: 't1' } });
    expect(store.all()).toEqual([]);
    expect(restarted.openWindows).toBe(0);
    expect(await counted('summarised')).toBe(1);
  });

  it('resumes a window still open at start-up: later repeats join it and it closes at its original end', () => {
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const crashed = withStore(open());
    crashed.admit(alert('a'));
    crashed.admit(repeatAt('t1', 'r1'));

    vi.setSystemTime(new Date('2026-11-22T10:00:40Z'));
    const store = open();
    registry = new Registry();
    const restarted = withStore(store);
    for (const window of store.all()) restarted.resume(window);
    expect(restarted.openWindows).toBe(1);
    expect(restarted.admit(repeatAt('t2', 'r2'))).toBe(false);
    vi.advanceTimersByTime(19_999);
    expect(summaries).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(summaries.map((s) => s.alert.output_fields[DEDUP_COUNT_FIELD])).toEqual([2]);
    expect(store.all()).toEqual([]);
  });

  it('delivers a repeat it cannot write to disk instead of holding it, and counts that', async () => {
    const store = open();
    const dedup = withStore(store);
    dedup.admit(alert('a'));
    store.close();
    expect(dedup.admit(alert('a'))).toBe(true);
    expect(await counted('store_failed')).toBe(1);
    expect(await counted('held')).toBe(0);
  });

  it('summarises at start-up the windows of an output that no longer de-duplicates', () => {
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const crashed = withStore(open());
    crashed.admit(alert('a'));
    crashed.admit(repeatAt('t1', 'r1'));

    const output = { name: 'out' } as unknown as Output;
    const router = new Router([{ name: 'out', output }], { registry: new Registry(), dataDir: dir });
    router.onSummary((summary, name) => summaries.push({ alert: summary, output: name }));
    router.resumeDedup();
    expect(summaries.map((s) => [s.output, s.alert.output_fields[DEDUP_COUNT_FIELD]])).toEqual([['out', 1]]);
    router.flushDedup();
    expect(open().all()).toEqual([]);
  });

  it('writes the windows of one request in one transaction, all on disk when targetsAll returns', async () => {
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
    const output = { name: 'out' } as unknown as Output;
    const router = new Router([{ name: 'out', output, dedup: { windowMs: 60_000, fields: ['hostname'], maxKeys: 100 } }], { registry, dataDir: dir });
    router.onSummary(sink());
    const batch = [alert('a'), repeatAt('t1', 'r1'), alert('b'), repeatAt('t2', 'r2')];
    expect(router.targetsAll(batch)).toEqual([['out'], [], ['out'], []]);
    expect(open().all().map((w) => [JSON.parse(w.key)[0], w.repeats, w.last?.uuid ?? null])).toEqual([
      ['a', 2, 'r2'],
      ['b', 0, null],
    ]);
    // A store that cannot be written: the batch's repeats are delivered as they are, and counted.
    router.flushDedup();
    expect(router.targetsAll([alert('c'), alert('c')])).toEqual([['out'], ['out']]);
    expect(await counted('store_failed')).toBeGreaterThan(0);
  });
});
