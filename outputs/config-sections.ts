import { KafkaConfigSchema } from './kafka/config.js';
import { SlackConfigSchema } from './slack/config.js';
import { AwsConfigSchema } from './sns/config.js';
import { WebhookConfigSchema } from './webhook/config.js';

/**
 * Each output's config section (TypeBox schema), keyed by its falcosidekick key (`slack`, `kafka`,
 * `webhook`, and `aws` holding `sns`). The config schema spreads this in, so an output's keys, their
 * environment variables and docs come from one place: the output's own config file.
 */
export const OUTPUT_CONFIG_SECTIONS = {
  slack: SlackConfigSchema,
  kafka: KafkaConfigSchema,
  aws: AwsConfigSchema,
  webhook: WebhookConfigSchema,
} as const;
