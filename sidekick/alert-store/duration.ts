import { SakerError } from '../../common/errors.js';
import { UI_ERRORS } from './errors.js';

/**
 * Seconds per unit in falcosidekick-ui's duration syntax (`since=15m`, `ttl=7d`): a whole number and a
 * unit. `M` is a 30-day month and `m` a minute, so the lookup is case-sensitive as theirs is.
 */
const UNIT_SECONDS: ReadonlyMap<string, number> = new Map([
  ...['s', 'second', 'seconds'].map((u) => [u, 1] as const),
  ...['m', 'min', 'minute', 'minutes'].map((u) => [u, 60] as const),
  ...['h', 'hour', 'hours'].map((u) => [u, 3600] as const),
  ...['d', 'day', 'days'].map((u) => [u, 86_400] as const),
  ...['w', 'week', 'weeks'].map((u) => [u, 604_800] as const),
  ...['M', 'month', 'months'].map((u) => [u, 2_592_000] as const),
  ...['y', 'year', 'years'].map((u) => [u, 31_536_000] as const),
]);

/**
 * Parses a falcosidekick-ui duration (`30s`, `15m`, `24h`, `7d`, `2w`, `1M`, `1y`, or bare seconds) into
 * seconds. `0` means "no limit", as there. Anything else throws `SAKER_ERR_UI_BAD_PARAM`.
 */
export function parseDuration(text: string, name = 'since'): number {
  const match = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match?.[2] ?? '';
  const factor = unit === '' ? 1 : UNIT_SECONDS.get(unit);
  if (!match || factor === undefined) {
    throw new SakerError(UI_ERRORS.BAD_PARAM, `${name}: '${text}' is not a duration (e.g. 30s, 15m, 24h, 7d, 2w, 1M, 1y)`);
  }
  return Number(match[1]) * factor;
}
