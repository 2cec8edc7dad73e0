import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stringifyJson } from '../../contract/index.js';
import type { AlertStore, InsertedRange, StoredAlert } from '../alert-store/index.js';
import { integer, parseSearchParams, single, type Query } from './params.js';

/** Tuning for the live stream; defaults suit browsers, tests shorten them. */
export interface StreamOptions {
  /** Comment line sent this often so proxies keep the connection. Default 15 s. */
  heartbeatMs?: number;
  /** Unsent bytes after which a slow client is dropped (it reconnects and catches up). Default 1 MiB. */
  maxBufferedBytes?: number;
}

/** Alerts replayed at most on (re)connect; a client further behind reloads its list. */
const REPLAY_LIMIT = 1_000;
/** Alerts sent at most per committed batch per client. */
const BATCH_LIMIT = 1_000;

function frame(stored: StoredAlert): string {
  return `id: ${stored.seq}\ndata: ${stringifyJson(stored.alert)}\n\n`;
}

/** Where to resume: the browser's `Last-Event-ID` on reconnect, else the `after` cursor of the first search. */
function resumeFrom(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  const lastEventId = Array.isArray(header) ? header[0] : header;
  if (lastEventId !== undefined && /^\d+$/.test(lastEventId)) return Number(lastEventId);
  const query = request.query as Query;
  return single(query, 'after') === undefined ? undefined : integer(query, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
}

/**
 * `GET /stream`: server-sent events, one `data:` line of alert JSON per event with its sequence number
 * as the event id, for alerts matching the same filters as `events/search`.
 */
export function registerStream(api: FastifyInstance, store: AlertStore, options: StreamOptions = {}): void {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const open = new Set<() => void>();

  api.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  api.get('/stream', (request, reply) => {
    const { filter } = parseSearchParams(request.query as Query, Date.now());
    const after = resumeFrom(request);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let ended = false;
    const write = (text: string): void => {
      if (ended) return;
      raw.write(text);
      if (raw.writableLength > maxBuffered) end();
    };
    const onRange = (range: InsertedRange): void => {
      for (const stored of store.inRange(filter, range, BATCH_LIMIT)) write(frame(stored));
    };
    const heartbeat = setInterval(() => write(': ping\n\n'), heartbeatMs);
    const unsubscribe = store.subscribe(onRange);
    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      raw.end();
    }
    open.add(end);
    raw.on('close', end);

    write('retry: 2000\n: connected\n\n');
    if (after !== undefined) {
      const last = store.lastSeq();
      if (last > after) onRange({ fromSeq: Math.max(after + 1, last - REPLAY_LIMIT + 1), toSeq: last });
    }
  });
}
