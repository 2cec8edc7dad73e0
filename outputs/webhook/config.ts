import { Type, type Static } from '@sinclair/typebox';
import { minimumPriorityKey, section, tlsKeys } from '../config-common.js';

/**
 * `webhook:` — falcosidekick's keys (`address`, `method`, `customheaders`, `minimumpriority`,
 * `checkcert`, `mutualtls`) plus Saker's (`timeout`, `gzip`, `signingsecret`, certificate files).
 */
export const WebhookConfigSchema = Type.Object(
  {
    address: Type.String({ default: '', description: 'URL the alert JSON is sent to. Setting it enables the output.' }),
    method: Type.Union([Type.Literal('POST'), Type.Literal('PUT')], { default: 'POST', description: 'HTTP method: POST or PUT.' }),
    customheaders: Type.Record(Type.String(), Type.String(), {
      default: {},
      description: 'Extra request headers (`Name:value,Name2:value2` in the environment).',
    }),
    minimumpriority: minimumPriorityKey(),
    ...tlsKeys(),
    timeout: Type.Integer({ minimum: 1, default: 10000, description: 'Milliseconds allowed to connect, then for the answer to start once the request is sent, then for each pause while it arrives, before a request counts as failed and is retried (Saker addition).' }),
    gzip: Type.Boolean({ default: false, description: 'Compress the body with gzip and send `Content-Encoding: gzip` (Saker addition).' }),
    signingsecret: Type.String({
      default: '',
      description:
        'Shared secret: when set, each request carries `X-Saker-Timestamp` (Unix seconds) and `X-Saker-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<uncompressed body>">` (Saker addition).',
    }),
  },
  section,
);

export type WebhookConfig = Static<typeof WebhookConfigSchema>;
