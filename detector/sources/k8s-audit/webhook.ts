import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { SakerError, isSakerError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import type { JsonEvent, JsonValue } from '../json-event.js';
import { AuditQueue } from './audit-queue.js';
import { parseListenUrl, type ListenAddress } from './listen-url.js';
import { parseAuditPayload } from './parse.js';
import type { AuditSkipReason } from './skips.js';
import { REJECTIONS, RETRY_AFTER_SECONDS, type WebhookRejectReason } from './webhook-rejections.js';

/** One audit event as the webhook yields it: the same shape `readAuditFile` yields. */
export type AuditEvent = JsonEvent;

/** The k8saudit plugin's default `webhookMaxBatchSize`: 12 MiB, ~20% over the API server's 10 MiB batches. */
export const DEFAULT_MAX_BODY_BYTES = 12 * 1024 * 1024;
/** Events kept on disk at most by default, ~100 MB at a typical 1 kB per event. */
export const DEFAULT_MAX_QUEUED = 100_000;

export interface AuditWebhookOptions {
  /** Where to listen, as the k8saudit plugin's open_params: `http://:9765/k8s-audit` (no host = every interface). */
  listen: string;
  /** Certificate and key (PEM files, or PEM text) for `https://` listen URLs. */
  tls?: { cert: string; key: string };
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body accepted (413 beyond); default 12 MiB as the plugin. */
  maxBodyBytes?: number;
  /** The SQLite file of the on-disk queue; events accepted but not consumed survive a restart here. */
  queuePath: string;
  /** Most events on disk; a request that would go past it gets 503 + Retry-After. Default 100,000. */
  maxQueued?: number;
  log: Logger;
}

/** Counters of a running webhook. */
export interface AuditWebhookStats {
  /** Requests answered 200. */
  requests: number;
  /** Events durably queued. */
  accepted: number;
  /** Events (or payloads) skipped inside accepted requests, by reason. */
  skipped: Record<AuditSkipReason, number>;
  /** Refused requests by reason; `REJECTIONS[reason].status` is the status each got. */
  rejected: Record<WebhookRejectReason, number>;
  /** The same refusals by HTTP status. */
  rejectedByStatus: Record<number, number>;
  /** Events inside requests refused because the queue was full (the sender keeps and retries them). */
  refusedEvents: number;
  /** Events on disk the consumer has not taken yet. */
  queued: number;
  /** Events lost because their stored request no longer parsed after a restart (a damaged queue file). */
  unreadable: number;
}

/** A running Kubernetes audit webhook. */
export interface AuditWebhook {
  /** The URL to POST to (loopback when listening on every interface). */
  url: string;
  /**
   * The accepted events: first those queued on disk from earlier runs, in order, then new ones as
   * they arrive, each with a `num` given at acceptance that survives restarts. At-least-once at this
   * boundary: an event leaves the queue only once the consumer has finished with it (asked for the
   * next one, or left its loop, by break or by exception), and that is written down every 4,096
   * events, a second after the consumer goes idle, and at close — so a crash replays what was finished since,
   * a clean `close()` replays only the event in the consumer's hands. One consumer at a time; the
   * iteration ends at `close()`.
   */
  events(): AsyncIterable<AuditEvent>;
  stats(): AuditWebhookStats;
  /** Stops listening (answering requests in flight first) and closes the queue; unconsumed events stay on disk. */
  close(): Promise<void>;
}

const SKIP_REASONS: readonly AuditSkipReason[] = ['malformed-json', 'not-audit-event', 'missing-stage-timestamp', 'bad-stage-timestamp', 'too-large'];

/** Fastify's own request errors, as our rejections. */
const FASTIFY_REJECTIONS: Readonly<Record<string, WebhookRejectReason>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'too-large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-json',
};

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function pem(what: string, value: string): string {
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', `cannot read the k8s audit webhook TLS ${what} ${value}`, { cause });
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

function createServer(address: ListenAddress, options: AuditWebhookOptions): FastifyInstance {
  if ((address.protocol === 'https') !== (options.tls !== undefined)) {
    throw new SakerError(
      'SAKER_ERR_SOURCE_PARAMS',
      address.protocol === 'https' ? 'an https:// k8s audit listen URL needs a TLS certificate and key' : 'a TLS certificate was given for an http:// k8s audit listen URL: use https://',
    );
  }
  const https = options.tls ? { https: { cert: pem('certificate', options.tls.cert), key: pem('key', options.tls.key) } } : {};
  try {
    // Widened to the default instance type: with `https` Fastify infers another server type, not another API.
    return Fastify({
      loggerInstance: options.log.child({ component: 'k8s-audit-webhook' }),
      // Per-request logs would flood at audit rates and carry the Authorization header.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...https,
    }) as unknown as FastifyInstance;
  } catch (cause) {
    throw new SakerError('SAKER_ERR_SOURCE_OPEN', 'the k8s audit webhook TLS certificate or key is not usable', { cause });
  }
}

async function listenOn(app: FastifyInstance, address: ListenAddress): Promise<number> {
  // No host means every interface, as Go's `:9765`: IPv6 and IPv4 where the host has IPv6, else IPv4.
  const hosts = address.host !== undefined ? [address.host] : ['::', '0.0.0.0'];
  let lastError: unknown;
  for (const host of hosts) {
    try {
      await app.listen({ host, port: address.port });
      const bound = app.server.address();
      return typeof bound === 'object' && bound !== null ? bound.port : address.port;
    } catch (error) {
      lastError = error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') break;
    }
  }
  throw new SakerError('SAKER_ERR_SOURCE_OPEN', `the k8s audit webhook cannot listen on ${address.host ?? '*'}:${address.port}`, { cause: lastError });
}

function publicUrl(address: ListenAddress, port: number): string {
  const host = address.host === undefined || address.host === '0.0.0.0' || address.host === '::' ? '127.0.0.1' : address.host;
  return `${address.protocol}://${host.includes(':') ? `[${host}]` : host}:${port}${address.path}`;
}

/**
 * Starts the Kubernetes audit webhook that an API server's webhook audit backend posts to, as
 * Falco's k8saudit plugin does: a single audit `Event`, an `EventList`, or a JSON array of them,
 * as `application/json`, on one path. Events without a usable `stageTimestamp`, and documents that
 * are not audit events, are skipped and counted (the 200 body says how many); every refusal is a
 * 4xx/5xx with a JSON `{code, message}` body, counted by reason. The reply is 200 only after the
 * events are committed to the on-disk queue, so a detector restart loses nothing the API server
 * was told was received; when the queue is full the answer is 503 with Retry-After, never a
 * silent drop.
 */
export async function startAuditWebhook(options: AuditWebhookOptions): Promise<AuditWebhook> {
  const address = parseListenUrl(options.listen);
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new SakerError('SAKER_ERR_SOURCE_PARAMS', `maxQueued must be a positive integer, got ${maxQueued}`);
  const app = createServer(address, options);
  const queue = new AuditQueue(options.queuePath, { maxQueued });
  const log = options.log.child({ component: 'k8s-audit-webhook' });
  const where = `POST ${address.path}`;
  const counters = {
    requests: 0,
    accepted: 0,
    skipped: zeroCounts(SKIP_REASONS),
    rejected: zeroCounts(Object.keys(REJECTIONS) as WebhookRejectReason[]),
    rejectedByStatus: {} as Record<number, number>,
    refusedEvents: 0,
  };
  let full = false;
  let closing = false;

  const reject = (reply: FastifyReply, reason: WebhookRejectReason, detail?: string): FastifyReply => {
    const { status, code, message } = REJECTIONS[reason];
    counters.rejected[reason]++;
    counters.rejectedByStatus[status] = (counters.rejectedByStatus[status] ?? 0) + 1;
    if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="saker-k8s-audit"');
    return reply.code(status).send({ code, message: detail === undefined ? message : `${message}: ${detail}` });
  };

  // Only JSON reaches the handler: without the text/plain parser, any other type is a 415. The
  // body text is kept beside its parse so the queue can store it as received.
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  const bodyText = new WeakMap<object, string>();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error, value) => {
      if (error === null) bodyText.set(request, body as string);
      done(error, value);
    });
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const reason = FASTIFY_REJECTIONS[error.code];
    if (reason !== undefined) return reject(reply, reason);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return reject(reply, 'bad-request', error.message);
    log.error({ err: error }, 'k8s audit webhook request failed');
    return reject(reply, 'internal');
  });
  app.setNotFoundHandler((_request, reply) => reject(reply, 'not-found'));

  const { token } = options;
  if (token !== undefined && token !== '') {
    // Before the body is read: an unauthenticated client cannot make us parse 12 MiB.
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      if (header === undefined || header.trim() === '') return reject(reply, 'unauthorized');
      const match = /^Bearer\s+(.+)$/i.exec(header.trim());
      if (match === null || !sameSecret(match[1] as string, token)) return reject(reply, 'forbidden');
      return undefined;
    });
  }

  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
    app.route({ method, url: address.path, handler: async (_request, reply) => reject(reply.header('allow', 'POST'), 'method-not-allowed') });
  }

  app.post(address.path, async (request, reply) => {
    // A bodiless POST skips the parsers; it still has to claim JSON, and is then empty.
    if (!isJsonMediaType(request.headers['content-type'])) return reject(reply, 'media-type');
    if (request.body === undefined) return reject(reply, 'malformed-json', 'the body is empty');
    if (closing) return reject(reply, 'closing');
    const parsed = parseAuditPayload(request.body as JsonValue, { where });
    const skips: Partial<Record<AuditSkipReason, number>> = {};
    for (const skip of parsed.skips) {
      counters.skipped[skip.reason]++;
      skips[skip.reason] = (skips[skip.reason] ?? 0) + 1;
    }
    if (parsed.skips.length > 0) log.warn({ skipped: skips, example: parsed.skips[0]?.detail }, 'k8s audit webhook skipped events');
    const events = parsed.events;
    if (events.length > maxQueued) return reject(reply, 'batch-over-queue-bound', `${events.length} events, the queue holds ${maxQueued}`);
    let outcome;
    try {
      outcome = await queue.append(bodyText.get(request) ?? JSON.stringify(request.body), events);
    } catch (error) {
      if (isSakerError(error) && error.code === 'SAKER_ERR_SOURCE_CLOSED') return reject(reply, 'closing');
      log.error({ err: error }, 'k8s audit webhook could not queue events');
      return reject(reply, 'storage-error');
    }
    if (outcome === 'full') {
      counters.refusedEvents += events.length;
      if (!full) log.warn({ maxQueued }, 'k8s audit queue is full: refusing requests with 503 until the detector catches up');
      full = true;
      return reject(reply, 'queue-full');
    }
    full = false;
    counters.requests++;
    counters.accepted += events.length;
    return reply.code(200).send({ accepted: events.length, skipped: parsed.skips.length, ...(parsed.skips.length > 0 ? { skips } : {}) });
  });

  let port: number;
  try {
    port = await listenOn(app, address);
  } catch (error) {
    await app.close().catch(() => undefined);
    queue.close();
    throw error;
  }
  const url = publicUrl(address, port);
  log.info({ url, queued: queue.queued, maxQueued }, 'k8s audit webhook listening');

  let closed: Promise<void> | undefined;
  let queuedAtClose: number | undefined;
  return {
    url,
    events: () => queue.consume(),
    stats: () => ({
      ...counters,
      skipped: { ...counters.skipped },
      rejected: { ...counters.rejected },
      rejectedByStatus: { ...counters.rejectedByStatus },
      queued: queuedAtClose ?? queue.queued,
      unreadable: queue.unreadable,
    }),
    close() {
      closed ??= (async () => {
        closing = true;
        await app.close();
        queuedAtClose = queue.queued;
        queue.close();
      })();
      return closed;
    },
  };
}
