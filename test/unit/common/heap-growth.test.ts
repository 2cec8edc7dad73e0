import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Peak heap of a fresh process that keeps ~40 MB live while objects that outlive young collections
 * (promoted, then garbage, as alerts held for a while are) stream through, and what stays live. A
 * small young generation, so that what is measured is the old generation's growth.
 */
function peakHeap(limit: boolean): { peakMb: number; liveMb: number } {
  const script = `
    if (${limit}) (await import('./common/heap-growth.ts')).limitHeapGrowth();
    const live = Array.from({ length: 250_000 }, (_, i) => ({ i, s: 'live' + i, t: [i, i + 1] }));
    const held = [];
    let peak = 0;
    for (let round = 0; round < 600; round++) {
      for (let i = 0; i < 2000; i++) held.push({ a: 'x'.repeat(20) + i, b: [i, i], c: { d: i } });
      if (held.length > 40_000) held.splice(0, 2000);
      for (let i = 0; i < 20_000; i++) ({ tmp: i });
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      await new Promise((resolve) => setImmediate(resolve));
    }
    held.length = 0;
    globalThis.gc();
    console.log(JSON.stringify({ peakMb: peak / 1048576, liveMb: process.memoryUsage().heapUsed / 1048576, kept: live.length }));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { peakMb: number; liveMb: number };
}

describe('limitHeapGrowth (the sidekick keeps its heap near what is live)', () => {
  it('takes effect when set in a running process: the old generation stays near the live set', { timeout: 120_000 }, () => {
    const unlimited = peakHeap(false);
    const limited = peakHeap(true);
    // Measured: about 5x the live set with V8's own growth, a little over 2x with the limit (50%
    // growth, plus what arrives while marking runs).
    expect(limited.peakMb).toBeLessThan(0.7 * unlimited.peakMb);
    expect(limited.peakMb).toBeLessThan(3 * limited.liveMb);
  });
});
