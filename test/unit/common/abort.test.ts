import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../../common/abort.js';

/** Resolves with the abort reason once `signal` aborts (at once if it already has); never otherwise. */
const aborted = (signal: AbortSignal): Promise<unknown> =>
  signal.aborted ? Promise.resolve(signal.reason) : new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)));

describe('withTimeout', () => {
  it('aborts the work after the time limit, with a TimeoutError, even when garbage is collected meanwhile', async () => {
    const reason = await withTimeout(new AbortController().signal, 50, async (signal) => {
      // The failure this guards against: a composite signal losing its timeout to the collector.
      for (let i = 0; i < 20; i++) {
        new Array(100_000).fill(i);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return aborted(signal);
    });
    expect(reason).toMatchObject({ name: 'TimeoutError' });
  });

  it("follows the parent's abort, with the parent's reason", async () => {
    const parent = new AbortController();
    const pending = withTimeout(parent.signal, 60_000, (signal) => aborted(signal));
    parent.abort(new Error('shutting down'));
    expect(await pending).toEqual(new Error('shutting down'));
  });

  it('starts aborted under an aborted parent, and returns what the work returns', async () => {
    const parent = new AbortController();
    parent.abort();
    expect(await withTimeout(parent.signal, 60_000, async (signal) => signal.aborted)).toBe(true);
    expect(await withTimeout(new AbortController().signal, 60_000, async () => 'done')).toBe('done');
  });
});
