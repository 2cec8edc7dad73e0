import { K8S_AUDIT_FIELDS } from '../../fields/k8s_audit/index.js';
import { JSON_FIELDS } from '../../fields/json/index.js';
import type { JsonEvent } from '../../sources/json-event.js';
import { AuditReadStats, DEFAULT_MAX_EVENT_SIZE, readAuditFile } from '../../sources/k8s-audit/index.js';
import { definePlugin, type PluginContext, type PluginEventStream } from '../api.js';
import { ownFields } from './from-field-spec.js';
import { initConfigObject, positiveInteger } from './init-config.js';
import { openAuditWebhook, type AuditWebhookSettings } from './k8saudit-webhook.js';

/** Version of Falco's k8saudit plugin whose fields these are. */
export const K8SAUDIT_PLUGIN_VERSION = '0.18.0';

/** falco.yaml's example `open_params` for k8saudit: the webhook on every interface. */
export const DEFAULT_AUDIT_LISTEN = 'http://:9765/k8s-audit';

const isListenUrl = (params: string): boolean => /^https?:\/\//i.test(params.trim());

/** Reads an audit log file (JSON lines or one document) as a stream. */
function openAuditFile(path: string, maxEventSize: number, context: PluginContext): PluginEventStream<JsonEvent> {
  const stats = new AuditReadStats();
  let logged = false;
  const events = readAuditFile(path, {
    stats,
    maxEventSize,
    onSkip: (skip) => {
      if (logged) return;
      logged = true;
      context.log.warn({ skip }, 'an audit event was skipped; counting further ones');
    },
  });
  return {
    [Symbol.asyncIterator]: () => events,
    close: async () => {
      await events.return(undefined);
    },
    skipped: () => stats.skipped,
  };
}

/**
 * Built-in `k8saudit` plugin: the `k8s_audit` source and its `ka.*` fields. `open_params` is a
 * webhook URL (`http://:9765/k8s-audit`, `https://…`; the default) the API server's audit backend
 * posts to, or the path of an audit log file to read. init_config: `maxEventSize` (bytes, default
 * 262144, for files) and the webhook's keys (see openAuditWebhook).
 */
export const k8sauditPlugin = definePlugin<JsonEvent>(() => {
  let maxEventSize = DEFAULT_MAX_EVENT_SIZE;
  let webhook: AuditWebhookSettings = {};
  return {
    name: 'k8saudit',
    version: K8SAUDIT_PLUGIN_VERSION,
    description: 'Kubernetes audit events from a webhook or a log file, with the ka.* fields of Falco\'s k8saudit plugin.',
    init(config) {
      const options = initConfigObject('k8saudit', config);
      maxEventSize = positiveInteger('k8saudit', options, 'maxEventSize', DEFAULT_MAX_EVENT_SIZE);
      webhook = { options };
    },
    source: {
      name: 'k8s_audit',
      open(params, context) {
        const where = params.trim() === '' ? DEFAULT_AUDIT_LISTEN : params.trim();
        return isListenUrl(where) ? openAuditWebhook(where, webhook, context) : openAuditFile(where, maxEventSize, context);
      },
      // The plugin renders an event as its raw JSON.
      info: (event) => JSON.stringify(event.doc),
    },
    fields: ownFields(K8S_AUDIT_FIELDS.fields, new Set(JSON_FIELDS.keys())),
  };
});
