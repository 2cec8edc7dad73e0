import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../../detector/engine/loader/index.js';
import { TABLES } from './helpers.js';

/** A small deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCE = readFileSync(new URL('../../../../../shared/falco-rules/falco_rules.yaml', import.meta.url), 'utf8').slice(0, 20_000);
const NOISE = ['(', ')', '"', "'", ':', '- ', '\n', '  ', '[', ']', '{', '}', '&a', '*a', '%', ',', '\\', 'and', 'not', '#', '|', '>'];

describe('mutated rules files', () => {
  it('always produce a load result, never an exception', () => {
    const random = prng(20261122);
    for (let round = 0; round < 25; round++) {
      let text = SOURCE;
      for (let edit = 0; edit < 20; edit++) {
        const at = Math.floor(random() * text.length);
        const noise = NOISE[Math.floor(random() * NOISE.length)] ?? '';
        text = random() < 0.5 ? text.slice(0, at) + noise + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 8));
      }
      const outcome = loadRules([{ name: `mutant-${round}.yaml`, content: text }], { fieldTables: TABLES });
      const [file] = outcome.result.toJSON().falco_load_results;
      expect(file?.name).toBe(`mutant-${round}.yaml`);
      for (const problem of [...(file?.errors ?? []), ...(file?.warnings ?? [])]) {
        expect(problem.context.locations[0]?.item_type).toBe('rules content');
        expect(typeof problem.context.snippet).toBe('string');
      }
    }
  });
});
