import type { FastifyInstance } from 'fastify';
import type { Outbox } from '../outbox/store.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import { SIDEKICK_ERRORS } from '../errors.js';

function positiveInt(text: unknown, fallback: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

/**
 * The dead-letter API: `GET /api/v1/deadletters` lists deliveries that failed for good (newest first,
 * `?output=`, `?limit=`, `?offset=`), and `POST /api/v1/deadletters/replay` puts them back in their
 * outputs' queues — all of them, or `{"ids": [...]}`.
 */
export function registerDeadLetterRoutes(app: FastifyInstance, outbox: Outbox, dispatcher: Dispatcher, now: () => number = Date.now): void {
  app.get('/api/v1/deadletters', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const limit = positiveInt(query.limit, 100, 1000);
    const offset = positiveInt(query.offset, 0, Number.MAX_SAFE_INTEGER);
    if (limit === undefined || offset === undefined) {
      return reply.code(400).send({
        code: SIDEKICK_ERRORS.INVALID,
        message: 'limit must be an integer from 0 to 1000 and offset a non-negative integer',
        problems: [{ path: limit === undefined ? '/limit' : '/offset', message: 'not a valid integer' }],
      });
    }
    const { total, items } = outbox.deadLetters({ output: query.output, limit, offset });
    return {
      total,
      deadletters: items.map((d) => ({
        id: d.id,
        output: d.output,
        attempts: d.attempts,
        reason: d.reason,
        failed_at: new Date(d.failedAt).toISOString(),
        alert: d.alert,
      })),
    };
  });

  app.post('/api/v1/deadletters/replay', async (request, reply) => {
    const body = (request.body ?? {}) as { ids?: unknown };
    const ids = body.ids;
    if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => Number.isInteger(id)))) {
      return reply.code(400).send({
        code: SIDEKICK_ERRORS.INVALID,
        message: 'ids must be an array of dead-letter ids',
        problems: [{ path: '/ids', message: 'expected an array of integers' }],
      });
    }
    const result = outbox.replay(ids as number[] | undefined, dispatcher.names, now());
    dispatcher.notify(result.outputs);
    return { replayed: result.replayed, skipped: result.skipped };
  });
}
