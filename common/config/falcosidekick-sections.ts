/**
 * falcosidekick's output sections that Saker does not implement, from its config_example.yaml. A
 * falcosidekick config.yaml carries many of them (often empty); Saker names them in a start-up warning
 * and ignores them, rather than refusing a file that falcosidekick accepts. Keys that are neither
 * Saker's nor falcosidekick's still stop start-up.
 */

/** Top-level sections. */
export const FALCOSIDEKICK_OTHER_SECTIONS: ReadonlySet<string> = new Set([
  'alertmanager',
  'azure',
  'cliq',
  'cloudevents',
  'datadog',
  'discord',
  'dogstatsd',
  'dynatrace',
  'elasticsearch',
  'fission',
  'gcp',
  'googlechat',
  'gotify',
  'grafana',
  'grafanaoncall',
  'influxdb',
  'kafkarest',
  'kubeless',
  'loki',
  'mattermost',
  'mqtt',
  'n8n',
  'nats',
  'nodered',
  'openfaas',
  'openobserve',
  'opsgenie',
  'otlp',
  'pagerduty',
  'policyreport',
  'prometheus',
  'quickwit',
  'rabbitmq',
  'redis',
  'rocketchat',
  'smtp',
  'spyderbat',
  'stan',
  'statsd',
  'sumologic',
  'syslog',
  'teams',
  'tekton',
  'telegram',
  'timescaledb',
  'wavefront',
  'yandex',
  'zincsearch',
]);

/** Sections inside `aws:` besides `sns`. */
export const FALCOSIDEKICK_OTHER_AWS_SECTIONS: ReadonlySet<string> = new Set([
  'cloudwatchlogs',
  'kinesis',
  'lambda',
  's3',
  'securitylake',
  'sqs',
]);

/**
 * Keys falcosidekick has inside sections Saker implements differently: `webui.url` points
 * falcosidekick at a separate falcosidekick-ui, while Saker serves its own UI.
 */
export const FALCOSIDEKICK_OTHER_KEYS: readonly (readonly string[])[] = [['webui', 'url']];
