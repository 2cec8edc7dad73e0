/**
 * The outputs' public surface: the contract with the sidekick, the registry, and what receivers need.
 * Importing it loads every output type's code (and SDK), so `createOutput` builds any type at once;
 * a process that should load only the types its config enables imports `registry.js` and awaits
 * `loadOutputTypes` (as the sidekick does).
 */
import { OUTPUT_FACTORIES, loadOutputTypes } from './registry.js';

export type { Output, DeliveryResult, SendContext } from './output.js';
export type { OutputCreateOptions } from './create-options.js';
export { OUTPUT_FACTORIES, OUTPUT_NOT_LOADED, outputFactory, createOutput, createEnabledOutputs, loadOutputTypes, outputTypesOf } from './registry.js';
export type { OutputFactory, OutputBuilder } from './registry.js';
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

await loadOutputTypes(OUTPUT_FACTORIES.map((factory) => factory.type));
