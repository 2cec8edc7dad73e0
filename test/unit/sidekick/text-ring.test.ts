import { describe, expect, it } from 'vitest';
import { TextRing } from '../../../sidekick/grpc/text-ring.js';

describe('TextRing (alerts waiting for a falco.outputs consumer, kept as bytes)', () => {
  it('returns texts in order, multi-byte characters intact', () => {
    const ring = new TextRing(10, 16);
    for (const text of ['a', 'ünïcödé ✓', '{"rule":"x"}', '']) ring.push(text);
    expect(ring.length).toBe(4);
    expect(ring.drain()).toEqual(['a', 'ünïcödé ✓', '{"rule":"x"}', '']);
    expect(ring.length).toBe(0);
    expect(ring.shift()).toBeUndefined();
  });

  it('drops the oldest once full and says so', () => {
    const ring = new TextRing(3);
    const dropped = ['one', 'two', 'three', 'four', 'five'].map((t) => ring.push(t));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect(ring.drain()).toEqual(['three', 'four', 'five']);
  });

  it('matches a plain FIFO through wrap-arounds and growth, with texts of every size', () => {
    const ring = new TextRing(50, 256);
    const model: string[] = [];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      if (random(3) > 0) {
        const text = `${i}:${'é'.repeat(random(5) === 0 ? random(400) : random(40))}`;
        const full = model.length === 50;
        model.push(text);
        if (full) model.shift();
        expect(ring.push(text)).toBe(full ? 1 : 0);
      } else {
        expect(ring.shift()).toBe(model.shift());
      }
      expect(ring.length).toBe(model.length);
    }
    expect(ring.drain()).toEqual(model);
  });

  it('reuses its buffer: the bytes follow the live texts, not how many went through', () => {
    const ring = new TextRing(100, 1024);
    const alert = JSON.stringify({ rule: 'Terminal shell in container', output: 'x'.repeat(1200) });
    for (let i = 0; i < 10_000; i++) ring.push(alert);
    expect(ring.length).toBe(100);
    // 100 live texts of ~1.25 KB: at most twice that after doubling, however many were pushed.
    expect(ring.byteCapacity).toBeLessThanOrEqual(4 * 100 * alert.length);
    expect(ring.drain()).toEqual(Array.from({ length: 100 }, () => alert));
  });

  it('gives back the room a burst of large texts took once small ones replaced them', () => {
    const ring = new TextRing(10, 1024);
    for (let i = 0; i < 10; i++) ring.push(`${i}${'x'.repeat(100_000)}`);
    expect(ring.byteCapacity).toBeGreaterThanOrEqual(10 * 100_000);
    for (let i = 0; i < 20; i++) ring.push(`small ${i}`);
    expect(ring.byteCapacity).toBeLessThan(4096);
    expect(ring.drain()).toEqual(Array.from({ length: 10 }, (_, i) => `small ${i + 10}`));
  });
});
