import type { FastifyInstance } from 'fastify';
import { markLongIntegers, reviveLongIntegers } from '../../contract/index.js';

/**
 * Replaces a Fastify instance's (or scope's) JSON body parser with one that keeps every integer exact.
 * Falco's alerts carry `evt.time` and `evt.rawtime` as integers beyond 2^53; only a body holding such a
 * literal takes the exact path (contract/json.ts), every other one is Fastify's parser unchanged, and
 * Fastify's prototype-poisoning checks apply either way. An empty body reaches the handler as
 * `undefined`, so the handler can reject it with the problem named.
 */
export function installExactJsonParser(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    const marked = markLongIntegers(text);
    if (marked === undefined) return json(request, text, done);
    json(request, marked, (error, value) => (error ? done(error, undefined) : done(null, reviveLongIntegers(value))));
  });
}
