import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { SakerConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { SakerError } from '../common/errors.js';
import { stringifyJson } from '../contract/index.js';
import { Outbox } from './outbox/store.js';
import { Dispatcher } from './delivery/dispatcher.js';
import type { DeliveryPolicy } from './delivery/queue.js';
import { Router, type Route } from './routing/router.js';
import { SidekickMetrics, type RejectReason } from './metrics.js';
import { Ingest } from './ingest/accept.js';
import { buildEnricher, resolvedCustomFields, type Environment } from './ingest/enrich.js';
import { buildAuthCheck, type AuthCheck } from './ingest/auth.js';
import { INGEST_PATHS, registerIngestRoutes } from './ingest/http-routes.js';
import { installExactJsonParser } from './ingest/json-body.js';
import { registerDeadLetterRoutes } from './api/deadletters.js';
import { SIDEKICK_ERRORS, type ErrorBody } from './errors.js';
import type { GrpcIngress } from './grpc/index.js';
import { limitHeapGrowth } from '../common/heap-growth.js';

/** Everything a sidekick needs: its config, its output instances (with routing) and a logger. */
export interface SidekickOptions {
  config: SakerConfig;
  routes: readonly Route[];
  log: Logger;
  /** Environment for `%NAME` custom fields (default: `process.env`). */
  env?: Environment;
}

/** A running (or ready-to-run) sidekick. */
export interface Sidekick {
  readonly app: FastifyInstance;
  readonly outbox: Outbox;
  readonly metrics: SidekickMetrics;
  /** The gRPC ingest and Falco outputs server, when `grpc.enabled`, once `listen` has started it. */
  readonly grpc: GrpcIngress | undefined;
  /** Mounts the dead-letter API on another server too (the web UI's port). */
  registerDeadLetterRoutes(app: FastifyInstance): void;
  /** Starts delivery of what is on disk and listens; resolves to the ingest URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: refuses new requests, keeps delivering for at most `drainMs`, then aborts what is
   * in flight and closes the outbox. Undelivered alerts stay on disk for the next start.
   */
  close(drainMs?: number): Promise<void>;
}

/** Fastify's errors before a handler runs, mapped to our status, code and counted reason. */
const REQUEST_ERRORS: Record<string, { status: number; code: ErrorBody['code']; reason: RejectReason; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: SIDEKICK_ERRORS.MEDIA_TYPE,
    reason: 'media_type',
    message: 'the request body must be sent as application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: SIDEKICK_ERRORS.TOO_LARGE, reason: 'too_large', message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: SIDEKICK_ERRORS.BAD_JSON, reason: 'bad_json', message: 'the request body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: SIDEKICK_ERRORS.BAD_JSON,
    reason: 'bad_json',
    message: 'the request body does not match its Content-Length',
  },
};

function deliveryPolicy(config: SakerConfig): DeliveryPolicy {
  const { outbox } = config;
  const concurrency = config.outputs.maxconcurrentrequests;
  return {
    backoff: { initialMs: outbox.initialbackoff, maxMs: outbox.maxbackoff },
    maxAttempts: outbox.maxattempts,
    maxAgeMs: outbox.maxage * 1000,
    sendTimeoutMs: outbox.sendtimeout,
    concurrency: concurrency === 0 ? 64 : concurrency,
  };
}

function tlsOptions(config: SakerConfig): Pick<FastifyServerOptions, never> | { https: object } {
  const tls = config.tlsserver;
  if (!tls.deploy) return {};
  const read = (key: 'certfile' | 'keyfile' | 'cacertfile') => {
    try {
      return readFileSync(tls[key]);
    } catch (cause) {
      throw new SakerError('SAKER_ERR_CONFIG_FILE', `tlsserver.${key}: cannot read ${tls[key]}: ${(cause as Error).message}`, { cause });
    }
  };
  return {
    https: {
      cert: read('certfile'),
      key: read('keyfile'),
      ...(tls.mutualtls ? { ca: read('cacertfile'), requestCert: true, rejectUnauthorized: true } : {}),
    },
  };
}

/** The probe endpoints; also what the plain-HTTP side server may expose (`tlsserver.notlspaths`). */
function registerProbes(app: FastifyInstance, outbox: Outbox, metrics: SidekickMetrics, only?: ReadonlySet<string>): void {
  const want = (path: string) => only === undefined || only.has(path);
  if (want('/ping')) app.get('/ping', async (_req, reply) => reply.type('text/plain').send('pong\n'));
  if (want('/healthz')) {
    app.get('/healthz', async (_req, reply) =>
      outbox.isAvailable() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'unavailable', code: SIDEKICK_ERRORS.STORE_UNAVAILABLE }),
    );
  }
  if (want('/metrics')) {
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  }
}

function installAuth(app: FastifyInstance, check: AuthCheck | undefined, ingest: Ingest): void {
  if (!check) return;
  app.addHook('onRequest', async (request, reply) => {
    const path = request.routeOptions.url ?? '';
    if (!INGEST_PATHS.has(path) && !path.startsWith('/api/')) return;
    const verdict = check(request.headers.authorization);
    if (verdict.ok) return;
    if (INGEST_PATHS.has(path)) ingest.rejected(verdict.status === 401 ? 'unauthorized' : 'forbidden');
    if (verdict.challenge) reply.header('www-authenticate', verdict.challenge);
    return reply.code(verdict.status).send({ code: verdict.code, message: verdict.message } satisfies ErrorBody);
  });
}

/**
 * Assembles the sidekick: outbox (SQLite in `datadir`), router, one delivery queue per output,
 * falcosidekick's HTTP endpoints, the dead-letter API and metrics. Nothing listens until `listen`.
 */
export function createSidekick(options: SidekickOptions): Sidekick {
  const { config, log } = options;
  // The sidekick's resident memory is mostly V8's slack: keep it near what is live (see common/heap-growth.ts).
  limitHeapGrowth();
  const enrich = buildEnricher(config, options.env);
  const outbox = new Outbox(config.datadir);
  const metrics = new SidekickMetrics(() => (outbox.closed ? [] : outbox.queueStats()), Date.now, resolvedCustomFields(config, options.env));
  const router = new Router(options.routes, { registry: metrics.registry, dataDir: config.datadir });
  const dispatcher = new Dispatcher(options.routes, outbox, deliveryPolicy(config), metrics, log);
  // De-duplication summaries are written to the outbox like any accepted alert, then delivered.
  router.onSummary((alert, output) => {
    try {
      outbox.accept([{ alert, outputs: [output] }], Date.now());
    } catch (error) {
      log.error({ err: error, output }, 'cannot queue a de-duplication summary');
      throw error;
    }
    dispatcher.notify([output]);
  });
  // Windows a crashed run left open: summarised now if past their end, resumed otherwise.
  router.resumeDedup();
  const ingest = new Ingest({
    enrich,
    router,
    outbox,
    notify: (o) => dispatcher.notify(o),
    // Only with gRPC on: ingest then writes the JSON of alerts no output is owed too, for the hub.
    published: config.grpc.enabled ? (alerts, jsons) => grpc?.hub.publish(alerts, jsons) : undefined,
    metrics,
    maxPending: config.outbox.maxpending,
    log,
  });
  // Created by `listen`, and its code loaded only then: grpc-js and the proto loader are about 3 MB of
  // resident memory that a sidekick without `grpc.enabled` (the default) has no use for.
  let grpc: GrpcIngress | undefined;

  // Widened to the default instance type: with `https` Fastify's inferred server type differs, not its API.
  const app = Fastify({
    loggerInstance: log.child({ component: 'sidekick-http' }),
    // Per-request logs would carry Authorization headers and flood at alert rates.
    logController: new LogController({ disableRequestLogging: true }),
    // A pino child per request (to bind its id) costs more than some of ingest itself; the few
    // request-scoped logs (errors) name the request id themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.bodylimit,
    ...tlsOptions(config),
  }) as unknown as FastifyInstance;
  // JSON only: Fastify's text/plain parser would hand raw strings to the handlers.
  app.removeContentTypeParser('text/plain');
  // Falco's evt.time and evt.rawtime exceed 2^53: parsed digit-exact (contract/json.ts).
  installExactJsonParser(app);

  // Alerts in replies (dead letters) may hold bigints; written as exact JSON numbers.
  app.setReplySerializer((payload) => stringifyJson(payload));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = REQUEST_ERRORS[error.code];
    if (known) {
      if (INGEST_PATHS.has(request.routeOptions.url ?? '')) ingest.rejected(known.reason);
      return reply.code(known.status).send({ code: known.code, message: known.message } satisfies ErrorBody);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ code: SIDEKICK_ERRORS.INVALID, message: error.message } satisfies ErrorBody);
    }
    request.log.error({ err: error, reqId: request.id }, 'request failed');
    return reply.code(500).send({ code: SIDEKICK_ERRORS.INTERNAL, message: 'internal error' } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: SIDEKICK_ERRORS.NOT_FOUND, message: `no route ${request.method} ${request.url}` } satisfies ErrorBody),
  );

  installAuth(app, buildAuthCheck(config.auth), ingest);
  registerIngestRoutes(app, ingest);
  registerDeadLetterRoutes(app, outbox, dispatcher);
  registerProbes(app, outbox, metrics);

  const sideServer =
    config.tlsserver.deploy && config.tlsserver.notlspaths.length > 0
      ? (Fastify({
          loggerInstance: log.child({ component: 'sidekick-http-notls' }),
          logController: new LogController({ disableRequestLogging: true }),
        }) as unknown as FastifyInstance)
      : undefined;
  if (sideServer) registerProbes(sideServer, outbox, metrics, new Set(config.tlsserver.notlspaths));

  let closing: Promise<void> | undefined;
  return {
    app,
    outbox,
    metrics,
    get grpc() {
      return grpc;
    },
    registerDeadLetterRoutes: (other) => registerDeadLetterRoutes(other, outbox, dispatcher),
    async listen() {
      if (config.grpc.enabled && grpc === undefined) {
        const { createGrpcIngress } = await import('./grpc/index.js');
        grpc = createGrpcIngress({ config, ingest, metrics, log: log.child({ component: 'sidekick-grpc' }) });
      }
      dispatcher.start();
      const orphaned = outbox.queueStats().filter((q) => !dispatcher.names.has(q.output));
      for (const { output, depth } of orphaned) {
        log.warn({ output, pending: depth }, `${depth} deliveries are pending for output '${output}', which is not configured; they stay on disk`);
      }
      const host = config.listenaddress === '' ? '0.0.0.0' : config.listenaddress;
      const url = await app.listen({ host, port: config.listenport });
      if (sideServer) await sideServer.listen({ host, port: config.tlsserver.notlsport });
      if (grpc) await grpc.listen();
      log.info({ url, outputs: options.routes.map((r) => r.name), pending: outbox.pendingCount }, 'sidekick listening');
      return url;
    },
    close(drainMs = config.outbox.draintimeout * 1000) {
      closing ??= (async () => {
        await Promise.all([app.close(), sideServer?.close(), grpc?.close()]);
        // Requests already answered were committed; anything still staged is committed (and answered) now.
        ingest.flush();
        // Nothing new arrives now: queue the summaries of open de-duplication windows before draining.
        router.flushDedup();
        const drained = await dispatcher.drain(drainMs);
        await Promise.allSettled(options.routes.map((r) => r.output.close()));
        const left = outbox.pendingCount;
        outbox.close();
        log.info({ drained, pending: left }, left > 0 ? 'sidekick stopped; pending deliveries kept for the next start' : 'sidekick stopped');
      })();
      return closing;
    },
  };
}
