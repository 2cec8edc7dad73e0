import type { Priority } from '../../contract/index.js';
import { prioritySeverity } from '../../contract/index.js';

/** What narrows a set of stored alerts. Lists are OR within a key, keys are ANDed, as in falcosidekick-ui. */
export interface AlertFilter {
  priorities?: readonly Priority[];
  rules?: readonly string[];
  sources?: readonly string[];
  hostnames?: readonly string[];
  tags?: readonly string[];
  /** Free text: every word must occur (as a word prefix) in the output or the output fields. */
  text?: string;
  /** Only alerts whose `time` is at or after this many microseconds since the epoch. */
  sinceMicros?: number;
  /** Only alerts stored at or before this sequence number: pins a snapshot while new alerts arrive. */
  maxSeq?: number;
  /** Only alerts stored after this sequence number. */
  afterSeq?: number;
}

/** A WHERE clause over `alerts a` and its positional parameters. */
export interface CompiledFilter {
  where: string;
  params: (string | number)[];
}

/**
 * Turns free text into an FTS5 query: every word (run of letters and digits) must occur as a word
 * prefix, so `/etc/sha` finds `/etc/shadow`. Each word is quoted, so nothing the user types is read as
 * FTS5 syntax. Undefined when the text has no word at all.
 */
export function toFtsQuery(text: string): string | undefined {
  const words = textWords(text);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w}"*`).join(' ');
}

/** The words of free text (runs of letters and digits), each to be matched as a word prefix. */
export function textWords(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

type ListKey = 'rules' | 'sources' | 'hostnames';

const LIST_COLUMNS: readonly (readonly [ListKey, string])[] = [
  ['rules', 'a.rule'],
  ['sources', 'a.source'],
  ['hostnames', 'a.hostname'],
];

function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/**
 * Compiles a filter to SQL; every value goes through a parameter, never into the text. `textMatch` is
 * the FTS5 query for `filter.text` when the caller has a better one than `toFtsQuery` (the store's
 * vocabulary rewrite, which matches the same rows).
 */
export function compileFilter(filter: AlertFilter, textMatch?: string): CompiledFilter {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (filter.priorities?.length) {
    clauses.push(`a.severity IN (${placeholders(filter.priorities.length)})`);
    params.push(...filter.priorities.map(prioritySeverity));
  }
  for (const [key, column] of LIST_COLUMNS) {
    const values = filter[key];
    if (values?.length) {
      clauses.push(`${column} IN (${placeholders(values.length)})`);
      params.push(...values);
    }
  }
  if (filter.tags?.length) {
    clauses.push(`a.seq IN (SELECT seq FROM alert_tags WHERE tag IN (${placeholders(filter.tags.length)}))`);
    params.push(...filter.tags);
  }
  const fts = filter.text === undefined ? undefined : (textMatch ?? toFtsQuery(filter.text));
  if (fts !== undefined) {
    // The sequence bounds go inside too: SQLite does not push the outer ones into the subquery, and a
    // live stream's few new alerts should not cost a read of every match in the index.
    const bounds = [
      ...(filter.afterSeq === undefined ? [] : [['rowid > ?', filter.afterSeq] as const]),
      ...(filter.maxSeq === undefined ? [] : [['rowid <= ?', filter.maxSeq] as const]),
    ];
    clauses.push(`a.seq IN (SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?${bounds.map(([sql]) => ` AND ${sql}`).join('')})`);
    params.push(fts, ...bounds.map(([, value]) => value));
  }
  if (filter.sinceMicros !== undefined) {
    clauses.push('a.ts >= ?');
    params.push(filter.sinceMicros);
  }
  if (filter.maxSeq !== undefined) {
    clauses.push('a.seq <= ?');
    params.push(filter.maxSeq);
  }
  if (filter.afterSeq !== undefined) {
    clauses.push('a.seq > ?');
    params.push(filter.afterSeq);
  }
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}
