import type { FastifyInstance, FastifyReply } from 'fastify';
import { ALERT_SCHEMA_VERSION, parseIncomingAlert, stringifyJson, timeOrderedUuid } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import { SAKER_VERSION } from '../../common/package-info.js';
import { GROUP_FIELDS, UI_ERRORS, type AlertStore, type GroupField } from '../alert-store/index.js';
import { integer, parseSearchParams, type Query } from './params.js';
import type { DeliveryStatus, UiContext } from './types.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Header carrying the newest sequence number a search saw; pass it back as `cursor` to page a stable snapshot. */
export const CURSOR_HEADER = 'x-saker-cursor';

function send(reply: FastifyReply, body: unknown, pretty: boolean): FastifyReply {
  if (!pretty) return reply.send(body);
  return reply.type('application/json; charset=utf-8').send(stringifyJson(body, ' '));
}

/** falcosidekick-ui's `Statistics`: Go's `omitempty` drops a zero `returned` or `distincts`. */
function statistics(all: number, extra: { returned?: number; distincts?: number }): Record<string, number> {
  const stats: Record<string, number> = {};
  if (extra.returned) stats.returned = extra.returned;
  if (extra.distincts) stats.distincts = extra.distincts;
  stats.all = all;
  return stats;
}

/**
 * Adds an entry for each enabled output that has no record for the alert: the router did not send it
 * there (below the output's minimum priority, or filtered out). Only when the sidekick reports delivery
 * at all, since a UI fed by a plain falcosidekick knows nothing of routing.
 */
function withSkipped(recorded: readonly DeliveryStatus[], context: UiContext): DeliveryStatus[] {
  if (!context.deliveryStatus || !context.outputs) return [...recorded];
  const seen = new Set(recorded.map((d) => d.output));
  const skipped = context
    .outputs()
    .filter((output) => !seen.has(output))
    .map((output): DeliveryStatus => ({ output, state: 'skipped', error: 'not routed to this output (below its minimum priority, or filtered out)' }));
  return [...recorded, ...skipped];
}

/** Registers the JSON endpoints (not the stream, export or static files) on a `/api/v1` scope. */
export function registerRoutes(api: FastifyInstance, store: AlertStore, context: UiContext): void {
  // Outputs named by the last falcosidekick that posted here, when the sidekick gives no list itself.
  let reportedOutputs: readonly string[] = [];

  /**
   * falcosidekick's `webui` output posts `{event, outputs}` here, so a plain falcosidekick can feed this
   * UI as it feeds falcosidekick-ui (which answers with the JSON string "{}").
   */
  api.post('/', (request, reply) => {
    const body = request.body as { event?: unknown; outputs?: unknown } | undefined;
    const parsed = parseIncomingAlert(body?.event);
    if (!parsed.ok) {
      const first = parsed.problems[0];
      throw new SakerError(UI_ERRORS.BAD_PARAM, `event${first?.path ?? ''}: ${first?.message ?? 'not an alert'}`);
    }
    const uuid = (body?.event as { uuid?: unknown }).uuid;
    const alert = { ...parsed.alert, uuid: typeof uuid === 'string' && UUID.test(uuid) ? uuid : timeOrderedUuid() };
    if (Array.isArray(body?.outputs) && body.outputs.every((o) => typeof o === 'string')) reportedOutputs = body.outputs as string[];
    store.add(alert);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify('{}'));
  });

  api.get('/events/search', (request, reply) => {
    const params = parseSearchParams(request.query as Query, Date.now());
    const cursor = params.filter.maxSeq ?? store.lastSeq();
    const { total, alerts } = store.search(
      { ...params.filter, maxSeq: cursor },
      { limit: params.limit, offset: (params.page - 1) * params.limit },
    );
    reply.header(CURSOR_HEADER, String(cursor));
    return send(reply, { results: alerts.map((s) => s.alert), statistics: statistics(total, { returned: alerts.length }) }, params.pretty);
  });

  api.get('/events/count', (request, reply) => {
    const params = parseSearchParams(request.query as Query, Date.now());
    return send(reply, { statistics: statistics(store.count(params.filter), {}) }, params.pretty);
  });

  api.get<{ Params: { groupby: string } }>('/events/count/:groupby', (request, reply) => {
    const field = request.params.groupby;
    if (!(GROUP_FIELDS as readonly string[]).includes(field)) {
      throw new SakerError(UI_ERRORS.BAD_PARAM, `groupby: '${field}' is not one of ${GROUP_FIELDS.join(', ')}`);
    }
    const params = parseSearchParams(request.query as Query, Date.now());
    const counts = store.countBy(field as GroupField, params.filter);
    let all = 0;
    for (const n of counts.values()) all += n;
    return send(reply, { results: Object.fromEntries(counts), statistics: statistics(all, { distincts: counts.size }) }, params.pretty);
  });

  api.get('/events/:uuid', async (request) => {
    const { uuid } = request.params as { uuid: string };
    if (!UUID.test(uuid)) throw new SakerError(UI_ERRORS.BAD_PARAM, `uuid: '${uuid}' is not a UUID`);
    const stored = store.get(uuid);
    if (!stored) throw new SakerError(UI_ERRORS.NOT_FOUND, `no stored alert has uuid ${uuid}`);
    const recorded = context.deliveryStatus ? await context.deliveryStatus(uuid) : [];
    return { event: stored.alert, delivery: withSkipped(recorded, context) };
  });

  api.get('/timeline', (request) => {
    const query = request.query as Query;
    const now = Date.now();
    const params = parseSearchParams(query, now);
    const buckets = integer(query, 'buckets', 60, 1, 1000);
    const fromMs = params.sinceSeconds > 0 ? now - params.sinceSeconds * 1000 : undefined;
    return store.timeline(params.filter, { buckets, fromMs, toMs: fromMs === undefined ? undefined : now });
  });

  api.get('/outputs', () => [...(context.outputs?.() ?? reportedOutputs)]);

  api.get('/configuration', () => ({
    'listen-address': context.listenAddress ?? '',
    'listen-port': context.listenPort ?? 2802,
    'dev-mode': false,
    'disable-auth': !(context.authEnabled ?? false),
    'log-level': context.logLevel ?? 'info',
    ttl: store.retentionOptions().maxAgeSeconds,
    // falcosidekick-ui returns its credentials here; Saker never sends them back.
    credentials: '',
    subpath: '',
    store: { alerts: store.size(), ...store.retentionOptions() },
  }));

  api.get('/version', () => ({
    gitVersion: SAKER_VERSION,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: '',
    compiler: `node ${process.version}`,
    platform: `${process.platform}/${process.arch}`,
    saker: SAKER_VERSION,
    alertSchema: ALERT_SCHEMA_VERSION,
  }));

  api.get('/healthz', () => ({ status: 'ok' }));
}
