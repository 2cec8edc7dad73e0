import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * How far V8 may let the old generation grow past what the last full collection kept, in percent.
 *
 * Left to itself, V8 grows a heap this small by up to 4x between full collections when collecting
 * looks cheap. The sidekick keeps little (its backlog is on disk: about 26 MB live, most of it code),
 * so under a backlog at thousands of alerts a second that slack was most of its heap: measured with
 * bench/sidekick.ts (RSS phase), the heap peaked at 55 MB with V8's choice and at 41 MB with 50%, the
 * resident memory 17 MB lower, for no measurable CPU per alert. The detector, whose garbage is young
 * (events) and whose old generation is its tables, gains the same way: bench/driver.ts, RSS with 10,000
 * threads in the table, 152.7 MB with V8's choice and 147.9 MB with 50%.
 */
export const HEAP_GROWING_PERCENT = 50;

let applied = false;

/**
 * Applies HEAP_GROWING_PERCENT to this process (once). V8 reads the flag at every full collection, so
 * setting it once the process runs takes effect (unlike `--max-semi-space-size`, read once at start-up,
 * which only the command line or NODE_OPTIONS can set). The limit in force until the next full
 * collection was set at start-up with V8's own factor, so one full collection now (tens of ms, once)
 * applies ours from the start rather than after the first, largest, cycle.
 */
export function limitHeapGrowth(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // `gc` is only reachable with --expose-gc, which a new context picks up when set at run time.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
