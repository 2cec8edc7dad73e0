import type { JsonEvent, JsonValue } from '../json-event.js';
import { readJsonLines, tryParseJson } from '../json-file.js';
import type { AuditParseOptions } from './parse.js';
import { parseAuditPayload } from './parse.js';
import type { AuditSkip } from './skips.js';
import { AuditReadStats } from './skips.js';

/** Parse options plus how readAuditFile reports what it skips. */
export interface AuditFileOptions extends Omit<AuditParseOptions, 'where'> {
  /** Called for every skipped payload or event (log it); the reader never throws for bad content. */
  onSkip?: (skip: AuditSkip) => void;
  /** Counts events and skips; pass one to read them after the file is done. */
  stats?: AuditReadStats;
}

/**
 * Reads a file of Kubernetes audit events for replay: JSON lines with one document per line (the API
 * server's log backend writes one Event per line), or one JSON document spread over many lines. A
 * document is an `Event`, an `EventList` or an array of them. Yields one event per audit Event, in
 * file order, numbered from 1. JSON lines are streamed, so large logs are not held whole. Malformed
 * lines and untimed events are skipped and reported through `onSkip`; only an unreadable file
 * (`SAKER_ERR_SOURCE_OPEN`) or corrupt gzip (`SAKER_ERR_SOURCE_FORMAT`) throws.
 */
export async function* readAuditFile(path: string, options: AuditFileOptions = {}): AsyncGenerator<JsonEvent> {
  const stats = options.stats ?? new AuditReadStats();
  const report = (skip: AuditSkip): void => {
    stats.skip(skip.reason);
    options.onSkip?.(skip);
  };
  function* emit(value: JsonValue | undefined, where: string): Generator<JsonEvent> {
    if (value === undefined) {
      report({ reason: 'malformed-json', where, detail: 'not valid JSON' });
      return;
    }
    const parsed = parseAuditPayload(value, { ...options, where });
    parsed.skips.forEach(report);
    for (const event of parsed.events) {
      stats.events++;
      yield { ...event, num: stats.events };
    }
  }

  // The first non-blank line decides: if it parses, the file is JSON lines; if not, it is one
  // document over many lines, kept until the end and parsed whole.
  let mode: 'undecided' | 'lines' | 'document' = 'undecided';
  const kept: string[] = [];
  let lineNo = 0;
  for await (const line of readJsonLines(path)) {
    lineNo++;
    if (mode === 'lines') {
      if (line.trim() !== '') yield* emit(tryParseJson(line), `${path}:${lineNo}`);
      continue;
    }
    kept.push(line);
    if (mode === 'document' || line.trim() === '') continue;
    const value = tryParseJson(line);
    if (value === undefined) {
      mode = 'document';
      continue;
    }
    mode = 'lines';
    kept.length = 0;
    yield* emit(value, `${path}:${lineNo}`);
  }
  if (mode !== 'document') return;
  const whole = tryParseJson(kept.join('\n'));
  if (whole !== undefined) {
    yield* emit(whole, path);
    return;
  }
  // Neither one document nor clean JSON lines: read what lines can be read.
  for (const [i, line] of kept.entries()) {
    if (line.trim() !== '') yield* emit(tryParseJson(line), `${path}:${i + 1}`);
  }
}
