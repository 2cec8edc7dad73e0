import { Type, type Static } from '@sinclair/typebox';
import { minimumPriorityKey, section, tlsKeys } from '../config-common.js';

/**
 * `slack:` — falcosidekick's keys (`webhookurl`, `footer`, `username`, `channel`, `icon`,
 * `outputformat`, `messageformat`, `minimumpriority`, `checkcert`, `mutualtls`) plus Saker's: a bot
 * `token` posting through `chat.postMessage`, `apiurl`, `timeout`, and the per-destination rate limit.
 */
export const SlackConfigSchema = Type.Object(
  {
    webhookurl: Type.String({ default: '', description: 'Slack incoming-webhook URL. Setting it (or `token`) enables the output.' }),
    token: Type.String({
      default: '',
      description: 'Bot token (xoxb-…): post with chat.postMessage to `channel` instead of a webhook (Saker addition).',
    }),
    apiurl: Type.String({
      default: 'https://slack.com/api/',
      description: 'Base URL of the Slack Web API, for Slack-compatible servers (Saker addition).',
    }),
    channel: Type.String({ default: '', description: 'Channel to post to: overrides the webhook default; required with `token`.' }),
    footer: Type.String({ default: 'Saker', description: 'Footer of each message (falcosidekick default: its GitHub URL).' }),
    username: Type.String({ default: 'Saker', description: 'Name the message is posted as (falcosidekick default: Falcosidekick).' }),
    icon: Type.String({ default: '', description: 'URL of the avatar the message is posted with. Empty: the app default.' }),
    outputformat: Type.Union([Type.Literal('all'), Type.Literal('text'), Type.Literal('fields')], {
      default: 'all',
      description: '`all`: output text and fields; `text`: only the output text; `fields`: only the fields.',
    }),
    messageformat: Type.String({
      default: '',
      description:
        'Text above the attachment, a template over the alert: {{ .Rule }}, {{ .Priority }}, {{ .Output }}, {{ .Source }}, {{ .Hostname }}, {{ .Time }}, {{ .Tags }}, {{ index .OutputFields "name" }}.',
    }),
    minimumpriority: minimumPriorityKey(),
    ...tlsKeys(),
    timeout: Type.Integer({ minimum: 1, default: 10000, description: 'Milliseconds before a post counts as failed and is retried (Saker addition).' }),
    ratelimit: Type.Number({
      minimum: 0,
      default: 1,
      description: 'Messages per second per destination (Slack allows about 1). 0: no limit (Saker addition).',
    }),
    threadwindow: Type.Integer({
      minimum: 0,
      default: 0,
      description:
        'With a bot token: repeats of an alert (same rule and hostname) within this many seconds are posted as replies in the first one\'s thread. 0: off (Saker addition).',
    }),
    digest: Type.Boolean({
      default: true,
      description: 'When alerts queue up behind the rate limit, post one digest message for them instead of one each (Saker addition).',
    }),
  },
  section,
);

export type SlackConfig = Static<typeof SlackConfigSchema>;
