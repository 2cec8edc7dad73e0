import { join } from 'node:path';
import type { JsonEvent } from '../../sources/json-event.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUED, startAuditWebhook } from '../../sources/k8s-audit/index.js';
import type { PluginContext, PluginEventStream } from '../api.js';
import { optionalString, positiveInteger } from './init-config.js';

/** The k8saudit plugin's init_config (parsed), kept for the webhook. */
export interface AuditWebhookSettings {
  options?: Record<string, unknown>;
}

/** The k8saudit plugin's default certificate for https listen URLs: one PEM file with cert and key. */
const DEFAULT_SSL_CERTIFICATE = '/etc/falco/falco.pem';

/**
 * Opens the audit webhook at `listen` with the k8saudit plugin's init_config: `sslCertificate` (a
 * PEM file holding certificate and key, as the plugin takes it; default /etc/falco/falco.pem, for
 * https only), `webhookMaxBatchSize` (largest request body, default 12 MiB), and Saker's additions
 * `sslKey` (a separate key file), `token` (bearer token the API server must send) and `maxQueued`
 * (events kept on disk). Accepted events are queued on disk under the plugin's data directory.
 */
export async function openAuditWebhook(listen: string, settings: AuditWebhookSettings, context: PluginContext): Promise<PluginEventStream<JsonEvent>> {
  const options = settings.options ?? {};
  const https = /^https:/i.test(listen);
  const certificate = optionalString('k8saudit', options, 'sslCertificate') ?? DEFAULT_SSL_CERTIFICATE;
  const token = optionalString('k8saudit', options, 'token');
  const webhook = await startAuditWebhook({
    listen,
    ...(https ? { tls: { cert: certificate, key: optionalString('k8saudit', options, 'sslKey') ?? certificate } } : {}),
    ...(token !== undefined ? { token } : {}),
    maxBodyBytes: positiveInteger('k8saudit', options, 'webhookMaxBatchSize', DEFAULT_MAX_BODY_BYTES),
    maxQueued: positiveInteger('k8saudit', options, 'maxQueued', DEFAULT_MAX_QUEUED),
    queuePath: join(context.datadir, 'audit-queue.sqlite'),
    log: context.log,
  });
  context.log.info({ url: webhook.url }, 'k8s audit webhook listening');
  const events = webhook.events();
  return {
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    close: () => webhook.close(),
    skipped: () => new Map(Object.entries(webhook.stats().skipped).filter(([, n]) => n > 0)),
  };
}
