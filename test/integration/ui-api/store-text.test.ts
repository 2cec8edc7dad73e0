import { afterEach, describe, expect, it } from 'vitest';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import type { Alert } from '../../../contract/index.js';
import { alertAt, tempDir } from './support.js';

/**
 * The store rewrites free text through the index's vocabulary (exact terms instead of prefix scans,
 * totals summed over disjoint parts). These tests hold every answer to a brute-force reading of the
 * same alerts: a word matches when it is a prefix of a word of the output or of an output field
 * (`name=value`), ignoring case and accents, as the full-text tokenizer reads them.
 */
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function open(options: Omit<Parameters<typeof AlertStore.open>[0], 'directory'> = {}): AlertStore {
  const tmp = tempDir('saker-store-text-');
  const store = AlertStore.open({ directory: tmp.dir, ...options });
  cleanups.push(tmp.remove, () => store.close());
  return store;
}

function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function wordsOf(alert: Alert): Set<string> {
  const fields = Object.entries(alert.output_fields).map(([k, v]) => `${k}=${String(v)}`);
  return new Set([alert.output, ...fields].join('\n').match(/[\p{L}\p{N}]+/gu)?.map(fold) ?? []);
}

function bruteForce(alerts: readonly { seq: number; alert: Alert }[], text: string): { seq: number; alert: Alert }[] {
  const wanted = (text.match(/[\p{L}\p{N}]+/gu) ?? []).map(fold);
  return alerts.filter(({ alert }) => {
    const words = [...wordsOf(alert)];
    return wanted.every((w) => words.some((have) => have.startsWith(w)));
  });
}

const PHRASES = ['cat /etc/shadow', 'cp shadows backup', 'Shadowed file', 'nc 10.0.0.1 4444', 'listen port 44440', 'conn 444401', 'Café crème', 'naïve ÉTÉ', 'bash -i'];

function corpus(count: number, now: number): Alert[] {
  return Array.from({ length: count }, (_, i) =>
    alertAt((count - i) / 10 + (i % 7 === 0 ? 30 : 0), {
      priority: i % 3 ? 'Warning' : 'Critical',
      output: `Event ${PHRASES[i % PHRASES.length]} id=${i * 7}`,
      output_fields: { 'proc.cmdline': PHRASES[(i * 5) % PHRASES.length]!, 'evt.num': i * 13 },
    }, now),
  );
}

const QUERIES = [
  'shadow', 'SHADOW', 'shad', 'shadows', 'shadowed', '4444', '44', '444401', '1', '12', '7', 'port 4444', 'shadow 4444 1',
  'caf', 'café', 'CAFE', 'naive', 'été', 'zzz', 'sha port 44 1 id', '/etc/sha', 'proc cmdline', 'evt num 13', 'e', '4 1 2 3',
  'shad 4444 44440 shadow', 'SHAD 4444 44440 shadow cp',
];

/** Newest first by alert time, then arrival: the order every search answers in. */
function newestFirst(list: { seq: number; alert: Alert }[]): number[] {
  return [...list].sort((a, b) => b.alert.time.localeCompare(a.alert.time) || b.seq - a.seq).map((s) => s.seq);
}

describe('alert store free text', () => {
  it('counts and pages every query exactly as a brute-force scan, prefixes and several words included', () => {
    const store = open({ retention: { intervalMs: 0 } });
    const alerts = corpus(3_000, Date.now());
    const seqs = store.insert(alerts);
    const stored = alerts.map((alert, i) => ({ seq: seqs[i]!, alert }));
    for (const text of QUERIES) {
      const expected = bruteForce(stored, text);
      expect({ text, total: store.count({ text }) }).toEqual({ text, total: expected.length });
      const page = store.search({ text, maxSeq: store.lastSeq() }, { limit: 40, offset: 10 });
      expect({ text, total: page.total }).toEqual({ text, total: expected.length });
      expect({ text, page: page.alerts.map((a) => a.seq) }).toEqual({ text, page: newestFirst(expected).slice(10, 50) });
      // With another filter the general SQL path answers, through the same rewrite.
      const critical = expected.filter((s) => s.alert.priority === 'Critical');
      expect({ text, critical: store.count({ text, priorities: ['Critical'] }) }).toEqual({ text, critical: critical.length });
      // What a live stream reads after a commit: the matches within a range of sequence numbers, oldest first.
      const range = { fromSeq: seqs[1_000]!, toSeq: seqs[1_499]! };
      const inRange = expected.filter((s) => s.seq >= range.fromSeq && s.seq <= range.toSeq).map((s) => s.seq);
      expect({ text, inRange: store.inRange({ text }, range, 1_000).map((s) => s.seq) }).toEqual({ text, inRange });
    }
    expect(store.count({ text: 'zzz' })).toBe(0);
    expect(store.count({ text: '4444' })).toBeGreaterThan(store.count({ text: 'port 4444' }));
  });

  it('stays exact after retention removed the oldest alerts and more arrived', () => {
    const store = open({ retention: { maxRows: 1_000, intervalMs: 0 } });
    const now = Date.now();
    const alerts = corpus(2_500, now);
    const stored: { seq: number; alert: Alert }[] = [];
    for (let i = 0; i < alerts.length; i += 500) {
      const batch = alerts.slice(i, i + 500);
      store.insert(batch).forEach((seq, j) => stored.push({ seq, alert: batch[j]! }));
    }
    const kept = stored.slice(-1_000);
    expect(store.count({})).toBe(1_000);
    for (const text of QUERIES) {
      const expected = bruteForce(kept, text);
      expect({ text, total: store.search({ text }, { limit: 20, offset: 0 }).total }).toEqual({ text, total: expected.length });
      expect({ text, timeline: Object.values(store.timeline({ text }, { buckets: 1, fromMs: now - 86_400_000, toMs: now + 60_000 }).counts).flat().reduce((a, b) => a + b, 0) }).toEqual({ text, timeline: expected.length });
    }
  });
});
