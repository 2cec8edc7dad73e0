import { beforeEach, describe, expect, it } from 'vitest';
import { ExtractionMemo } from '../../../../detector/engine/eval/index.js';
import { extractions, pluginLikeEngine, type PluginLikeEvent } from './plugin-source-support.js';

const RULES = [
  ['verb get', 'p.verb = get'],
  ['bob gets', 'p.verb = get and p.user = bob'],
  ['not bob', 'p.verb in (get, list) and p.user != bob'],
] as const;

const process = (engine: ReturnType<typeof pluginLikeEngine>, event: PluginLikeEvent) => engine.process('plugin_like', event);

describe('per-event extraction memo (sources whose table sets memoize)', () => {
  beforeEach(() => extractions.clear());

  it('extracts a field once per event however many conditions and outputs read it', () => {
    const engine = pluginLikeEngine(RULES);
    const alerts = process(engine, { 'p.verb': 'get', 'p.user': 'bob', 'p.name': 'x' });
    expect(alerts.map((a) => a.rule)).toEqual(['verb get', 'bob gets']);
    expect(alerts.map((a) => a.output_fields['p.verb'])).toEqual(['get', 'get']);
    expect(extractions.get('p.verb')).toBe(1);
    expect(extractions.get('p.user')).toBe(1);
    expect(extractions.get('p.name')).toBe(1);
  });

  it('gives each event its own values: different events through the same compiled rules', () => {
    const engine = pluginLikeEngine(RULES);
    const first = process(engine, { 'p.verb': 'get', 'p.user': 'bob', 'p.name': 'one' });
    const second = process(engine, { 'p.verb': 'list', 'p.user': 'alice', 'p.name': 'two' });
    const third = process(engine, { 'p.verb': 'get', 'p.user': 'carol', 'p.name': 'three' });
    expect(first.map((a) => [a.rule, a.output_fields['p.name']])).toEqual([
      ['verb get', 'one'],
      ['bob gets', 'one'],
    ]);
    expect(second.map((a) => [a.rule, a.output_fields['p.verb'], a.output_fields['p.name']])).toEqual([['not bob', 'list', 'two']]);
    expect(third.map((a) => [a.rule, a.output_fields['p.name']])).toEqual([
      ['verb get', 'three'],
      ['not bob', 'three'],
    ]);
    expect(extractions.get('p.verb')).toBe(3);
  });

  it('does not carry a value over to the next process call of the same, since changed, event object', () => {
    const engine = pluginLikeEngine(RULES);
    const event: PluginLikeEvent = { 'p.verb': 'get', 'p.user': 'bob' };
    expect(process(engine, event).map((a) => a.rule)).toEqual(['verb get', 'bob gets']);
    event['p.verb'] = 'list';
    event['p.user'] = 'alice';
    expect(process(engine, event).map((a) => a.rule)).toEqual(['not bob']);
    delete event['p.verb'];
    expect(process(engine, event)).toEqual([]);
  });

  it('extracts afresh when a condition is evaluated outside the engine', () => {
    const engine = pluginLikeEngine(RULES);
    const rule = engine.rules[0];
    const event: PluginLikeEvent = { 'p.verb': 'get' };
    expect(rule?.condition.matches(event)).toBe(true);
    event['p.verb'] = 'put';
    expect(rule?.condition.matches(event)).toBe(false);
    expect(extractions.get('p.verb')).toBe(2);
  });

  it('leaves the extractors of a table without memoize as they are', () => {
    const engine = pluginLikeEngine(RULES, { memoize: false });
    expect(process(engine, { 'p.verb': 'get', 'p.user': 'bob' }).map((a) => a.rule)).toEqual(['verb get', 'bob gets']);
    expect(extractions.get('p.verb')).toBeGreaterThan(1);
  });
});

describe('ExtractionMemo', () => {
  it('shares a value by key within one begin/end, and only for that event', () => {
    const memo = new ExtractionMemo();
    let calls = 0;
    const read = (event: { v: string }): string => {
      calls++;
      return event.v;
    };
    const a = memo.wrap('f', read);
    const b = memo.wrap('f', read);
    const other = memo.wrap('g', read);
    const event = { v: 'x' };
    memo.begin(event);
    expect([a(event), b(event), other(event)]).toEqual(['x', 'x', 'x']);
    expect(calls).toBe(2);
    // Another object while `event` is being processed: not remembered.
    expect(a({ v: 'y' })).toBe('y');
    memo.end();
    event.v = 'z';
    memo.begin(event);
    expect(a(event)).toBe('z');
    memo.end();
    expect(a(event)).toBe('z');
    expect(memo.size).toBe(2);
  });

  it('remembers a missing value as missing', () => {
    const memo = new ExtractionMemo();
    let calls = 0;
    const read = memo.wrap('f', () => {
      calls++;
      return undefined;
    });
    const event = {};
    memo.begin(event);
    expect([read(event), read(event)]).toEqual([undefined, undefined]);
    memo.end();
    expect(calls).toBe(1);
  });
});
