/** The outputs' public surface: the contract with the sidekick, the registry, and what receivers need. */
export type { Output, DeliveryResult, SendContext } from './output.js';
export type { OutputCreateOptions } from './create-options.js';
export { OUTPUT_FACTORIES, outputFactory, createOutput, createEnabledOutputs } from './registry.js';
export type { OutputFactory } from './registry.js';
export { OUTPUT_CONFIG_SECTIONS } from './config-sections.js';
export { OUTPUT_ERROR_CODES } from './errors.js';
export { parseRetryAfter } from './results.js';
export { SIGNATURE_HEADER, SIGNATURE_TIMESTAMP_HEADER, signBody, verifySignature } from './webhook/signature.js';
export { SlackOutput } from './slack/output.js';
export { withSlackRateLimit } from './slack/rate-limit.js';
export type { SlackRateLimitOptions } from './slack/rate-limit.js';
export { escapeSlack } from './slack/escape.js';
export { KafkaOutput, resultForKafkaError } from './kafka/output.js';
export { SnsOutput, resultForSnsError } from './sns/output.js';
