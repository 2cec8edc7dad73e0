import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatNanoTime, nowNanos } from '../../contract/index.js';
import { SIDEKICK_ERRORS } from '../errors.js';
import type { AcceptResult, Ingest } from './accept.js';
import { TEST_RULE } from './enrich.js';

function answer(reply: FastifyReply, result: AcceptResult, ok: (uuids: string[]) => object): FastifyReply {
  if (result.ok) return reply.code(200).send(ok(result.alerts.map((a) => a.uuid as string)));
  if (result.retryAfterSeconds !== undefined) reply.header('retry-after', String(result.retryAfterSeconds));
  return reply.code(result.status).send(result.body);
}

/** What the reply serializer sets for an object; given with a body written here, it is sent as is. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const atRoot = () => '';

/**
 * `POST /`, the one-alert request Falco sends for every alert: answered from ingest's callback, without
 * a promise turn, and with `{"uuid":…}` written directly (a uuid needs no escaping), the same bytes the
 * reply serializer would write.
 */
function acceptOne(ingest: Ingest, body: unknown, reply: FastifyReply): void {
  ingest.submit([body], atRoot, (result) => {
    // Runs inside the commit of a whole group: a throw here must not keep the others unanswered.
    try {
      if (!result.ok) answer(reply, result, () => ({}));
      else reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(`{"uuid":"${result.alerts[0]?.uuid as string}"}`);
    } catch (error) {
      reply.log.error({ err: error, reqId: reply.request.id }, 'cannot answer an ingest request');
    }
  });
}

/** The self-test alert, shaped like falcosidekick's (`Test rule` reaches every output). */
function testAlert(): object {
  return {
    output: 'This is a test from Saker',
    priority: 'Debug',
    hostname: 'saker',
    rule: TEST_RULE,
    time: formatNanoTime(nowNanos()),
    output_fields: { 'proc.name': 'saker', 'user.name': 'saker' },
    tags: ['test', 'example'],
  };
}

/** Paths that are ingest: their rejections are counted as rejected inputs. */
export const INGEST_PATHS: ReadonlySet<string> = new Set(['/', '/batch', '/test']);

/**
 * falcosidekick's ingest endpoints: `POST /` (one Falco alert, as Falco's http_output sends it),
 * `POST /batch` (an array, for Saker's detector) and `POST /test` (a test alert to every output).
 */
export function registerIngestRoutes(app: FastifyInstance, ingest: Ingest): void {
  app.post('/', (request, reply) => acceptOne(ingest, request.body, reply));

  app.post('/batch', async (request, reply) => {
    if (!Array.isArray(request.body)) {
      ingest.rejected('invalid');
      return reply.code(400).send({
        code: SIDEKICK_ERRORS.INVALID,
        message: 'the request body must be a JSON array of Falco alerts',
        problems: [{ path: '/', message: 'expected an array' }],
      });
    }
    return answer(reply, await ingest.accept(request.body, (i) => `/${i}`), (uuids) => ({ accepted: uuids.length, uuids }));
  });

  app.post('/test', async (_request, reply) => answer(reply, await ingest.accept([testAlert()], () => ''), ([uuid]) => ({ uuid })));
}
