import type { Priority } from '../../contract/index.js';
import { parsePriority } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import { UI_ERRORS, parseDuration, type AlertFilter } from '../alert-store/index.js';

/** Query string as fastify decodes it: a repeated key arrives as an array. */
export type Query = Record<string, string | string[] | undefined>;

/** The filter plus paging that `events/search` and friends read from the query string. */
export interface SearchParams {
  filter: AlertFilter;
  /** Seconds back from now, 0 for no limit. */
  sinceSeconds: number;
  limit: number;
  /** 1-based, as in falcosidekick-ui. */
  page: number;
  pretty: boolean;
}

const MAX_LIMIT = 10_000;

function bad(name: string, message: string): SakerError {
  return new SakerError(UI_ERRORS.BAD_PARAM, `${name}: ${message}`);
}

/** One value of a query key; falcosidekick-ui's client sends the string `null` for "not set". */
export function single(query: Query, name: string): string | undefined {
  const raw = query[name];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  return value === undefined || value === '' || value === 'null' ? undefined : value;
}

/** A comma-separated list (falcosidekick-ui's convention for every filter key). */
export function list(query: Query, name: string): string[] | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

/** A whole number within bounds, or the default when absent. */
export function integer(query: Query, name: string, fallback: number, min: number, max: number): number {
  const value = single(query, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw bad(name, `'${value}' is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw bad(name, `${n} is outside ${min}..${max}`);
  return n;
}

function priorities(query: Query): Priority[] | undefined {
  return list(query, 'priority')?.map((p) => {
    const priority = parsePriority(p);
    if (priority === undefined) throw bad('priority', `unknown priority '${p}'`);
    return priority;
  });
}

/** Reads filters and paging; throws `SAKER_ERR_UI_BAD_PARAM` naming the first bad key. */
export function parseSearchParams(query: Query, now: number): SearchParams {
  const since = single(query, 'since');
  const sinceSeconds = since === undefined ? 0 : parseDuration(since);
  const cursor = single(query, 'cursor');
  const filter: AlertFilter = {
    priorities: priorities(query),
    rules: list(query, 'rule'),
    sources: list(query, 'source'),
    hostnames: list(query, 'hostname'),
    tags: list(query, 'tags'),
    text: single(query, 'filter'),
    sinceMicros: sinceSeconds > 0 ? (now - sinceSeconds * 1000) * 1000 : undefined,
    maxSeq: cursor === undefined ? undefined : integer(query, 'cursor', 0, 0, Number.MAX_SAFE_INTEGER),
  };
  return {
    filter,
    sinceSeconds,
    limit: integer(query, 'limit', 100, 1, MAX_LIMIT),
    page: integer(query, 'page', 1, 1, 1_000_000),
    pretty: single(query, 'pretty') === 'true',
  };
}
