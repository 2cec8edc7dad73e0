import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { stringifyJson, type Alert } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import { UI_ERRORS, type AlertStore } from '../alert-store/index.js';
import { integer, parseSearchParams, single, type Query } from './params.js';

const CSV_COLUMNS = ['time', 'priority', 'rule', 'source', 'hostname', 'tags', 'output', 'output_fields', 'uuid'] as const;

/**
 * A CSV cell. Alert text is attacker-controlled: a leading `=`, `+`, `-`, `@`, tab or CR would make a
 * spreadsheet evaluate it as a formula, so such a cell is prefixed with `'`.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvRow(alert: Alert): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    time: alert.time,
    priority: alert.priority,
    rule: alert.rule,
    source: alert.source,
    hostname: alert.hostname,
    tags: alert.tags.join(' '),
    output: alert.output,
    output_fields: stringifyJson(alert.output_fields),
    uuid: alert.uuid ?? '',
  };
  return CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',') + '\r\n';
}

/** Export formats: content type, file extension, optional header line and one line per alert. */
const FORMATS: Record<string, { type: string; ext: string; header: string; line: (a: Alert) => string }> = {
  jsonl: { type: 'application/x-ndjson; charset=utf-8', ext: 'jsonl', header: '', line: (a) => stringifyJson(a) + '\n' },
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv', header: CSV_COLUMNS.join(',') + '\r\n', line: csvRow },
};

/** Bytes gathered before a chunk goes to the socket: fewer, larger writes. */
const CHUNK_BYTES = 64 * 1024;

/** `GET /export?format=jsonl|csv`: the filtered set, newest first, streamed as it is read. */
export function registerExport(api: FastifyInstance, store: AlertStore): void {
  api.get('/export', (request, reply) => {
    const query = request.query as Query;
    const params = parseSearchParams(query, Date.now());
    const name = single(query, 'format') ?? 'jsonl';
    const format = FORMATS[name];
    if (!format) throw new SakerError(UI_ERRORS.BAD_PARAM, `format: '${name}' is not one of ${Object.keys(FORMATS).join(', ')}`);
    const max = integer(query, 'limit', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
    const filter = { ...params.filter, maxSeq: params.filter.maxSeq ?? store.lastSeq() };

    function* lines(): Generator<string> {
      let chunk = format!.header;
      let sent = 0;
      for (const stored of store.iterate(filter)) {
        if (sent++ >= max) break;
        chunk += format!.line(stored.alert);
        if (chunk.length >= CHUNK_BYTES) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }

    return reply
      .type(format.type)
      .header('content-disposition', `attachment; filename="saker-alerts.${format.ext}"`)
      .send(Readable.from(lines(), { objectMode: false }));
  });
}
