/**
 * Polls `find` until it returns something other than `undefined` or `false`, and returns it; throws
 * after `limitMs` with `what` (and `detail()`, when given) in the message. Every wait in a test is
 * bounded by this.
 */
export async function waitFor<T>(
  find: () => T | undefined | false,
  what: string,
  options: { limitMs?: number; everyMs?: number; detail?: () => string } = {},
): Promise<T> {
  const { limitMs = 20_000, everyMs = 25 } = options;
  const start = Date.now();
  for (;;) {
    const found = find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}${options.detail ? ` (${options.detail()})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
