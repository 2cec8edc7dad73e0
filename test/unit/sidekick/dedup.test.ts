import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { DEDUP_COUNT_FIELD, DedupMetrics, Deduplicator } from '../../../sidekick/delivery/dedup.js';

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
