import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SakerError } from '../common/errors.js';
import type { OutputCreateOptions } from './create-options.js';
import { splitRoutingKeys } from './config-sections.js';
import { OUTPUT_ERROR_CODES } from './errors.js';
import type { Output } from './output.js';
import { KafkaConfigSchema } from './kafka/config.js';
import { SlackConfigSchema } from './slack/config.js';
import { AwsConfigSchema } from './sns/config.js';
import { WebhookConfigSchema } from './webhook/config.js';

/** `createOutput` was asked for a type whose code `loadOutputTypes` has not loaded yet. */
export const OUTPUT_NOT_LOADED = 'SAKER_ERR_OUTPUT_NOT_LOADED';

/** Builds one instance from its validated section; throws `SAKER_ERR_OUTPUT_CONFIG` for settings that cannot work. */
export type OutputBuilder<S extends TSchema = TSchema> = (section: Static<S>, name: string, options?: OutputCreateOptions) => Output;

/**
 * How one output type is configured and built. The sidekick finds the section at `configPath` in the
 * config (or a named instance's section of the same shape), asks `isEnabled`, and calls `create`.
 */
export interface OutputFactory<S extends TSchema = TSchema> {
  /** Output type: `webhook`, `slack`, `kafka`, `sns`. */
  readonly type: string;
  /** Where the section sits in falcosidekick's config layout (`['slack']`; SNS reads the whole `['aws']`). */
  readonly configPath: readonly string[];
  /** The section's TypeBox schema (also spread into the config schema through `OUTPUT_CONFIG_SECTIONS`). */
  readonly schema: S;
  /** falcosidekick enables an output when its key setting is non-empty (`slack.webhookurl`, `kafka.hostport`, …). */
  isEnabled(section: Static<S>): boolean;
  /**
   * Loads the output's code and its SDK (kafkajs, the AWS SDK, Slack's client, undici): tens of MB
   * of memory, so a process loads only the types its config enables (`loadOutputTypes`).
   */
  load(): Promise<OutputBuilder<S>>;
}

function define<S extends TSchema>(factory: OutputFactory<S>): OutputFactory {
  return factory as unknown as OutputFactory;
}

/** Every output Saker can deliver to, one row each. Adding an output means adding a row here. */
export const OUTPUT_FACTORIES: readonly OutputFactory[] = [
  define({
    type: 'webhook',
    configPath: ['webhook'],
    schema: WebhookConfigSchema,
    isEnabled: (section) => section.address !== '',
    load: async () => {
      const { WebhookOutput } = await import('./webhook/output.js');
      return (section, name, options) => new WebhookOutput(section, name, options);
    },
  }),
  define({
    type: 'slack',
    configPath: ['slack'],
    schema: SlackConfigSchema,
    isEnabled: (section) => section.webhookurl !== '' || section.token !== '',
    // The rate limit is Slack's own rule, so the registry applies it here rather than leave it to every caller.
    load: async () => {
      const [{ SlackOutput }, { withSlackRateLimit }] = await Promise.all([import('./slack/output.js'), import('./slack/rate-limit.js')]);
      return (section, name, options) => {
        const output = new SlackOutput(section, name, options);
        if (section.ratelimit === 0) return output;
        return withSlackRateLimit(output, { perSecond: section.ratelimit, digest: section.digest, ...(options?.now ? { now: options.now } : {}) });
      };
    },
  }),
  define({
    type: 'kafka',
    configPath: ['kafka'],
    schema: KafkaConfigSchema,
    isEnabled: (section) => section.hostport !== '',
    load: async () => {
      const { KafkaOutput } = await import('./kafka/output.js');
      return (section, name, options) => new KafkaOutput(section, name, options);
    },
  }),
  define({
    type: 'sns',
    configPath: ['aws'],
    schema: AwsConfigSchema,
    isEnabled: (section) => section.sns.topicarn !== '',
    load: async () => {
      const { SnsOutput } = await import('./sns/output.js');
      return (section, name, options) => new SnsOutput(section, name, options);
    },
  }),
];

const BY_TYPE: ReadonlyMap<string, OutputFactory> = new Map(OUTPUT_FACTORIES.map((factory) => [factory.type, factory]));

/** The factory of an output type; throws `SAKER_ERR_OUTPUT_UNKNOWN_TYPE` when there is none. */
export function outputFactory(type: string): OutputFactory {
  const factory = BY_TYPE.get(type);
  if (!factory) {
    throw new SakerError(OUTPUT_ERROR_CODES.UNKNOWN_TYPE, `unknown output type '${type}' (known: ${[...BY_TYPE.keys()].join(', ')})`);
  }
  return factory;
}

/** Builders of the types loaded so far, by type (loading is idempotent: one import per type). */
const loaded = new Map<string, OutputBuilder>();
const loading = new Map<string, Promise<void>>();

/** Loads the code of these output types, so `createOutput` can build them. */
export async function loadOutputTypes(types: Iterable<string>): Promise<void> {
  await Promise.all(
    [...new Set(types)].map((type) => {
      const factory = outputFactory(type);
      let pending = loading.get(type);
      if (!pending) {
        pending = factory.load().then((build) => void loaded.set(type, build));
        // A failed import may be retried by the next caller.
        pending.catch(() => loading.delete(type));
        loading.set(type, pending);
      }
      return pending;
    }),
  );
}

/**
 * Validates a section (filling defaults, so a partial section from a named instance works) and builds
 * the output. Invalid sections throw `SAKER_ERR_OUTPUT_CONFIG` naming the bad keys. The type's code
 * must have been loaded (`loadOutputTypes`; importing `outputs/index.js` loads every type).
 */
export function createOutput(type: string, section: unknown, name: string = type, options?: OutputCreateOptions): Output {
  const factory = outputFactory(type);
  // A section from the loaded config also carries the sidekick's routing keys; the output ignores them.
  const own = section && typeof section === 'object' && !Array.isArray(section) ? splitRoutingKeys(section as Record<string, unknown>).section : {};
  const filled: unknown = Value.Default(factory.schema, own);
  const errors = [...Value.Errors(factory.schema, filled)];
  if (errors.length > 0) {
    const detail = errors.map((e) => `${name}${e.path.replaceAll('/', '.')}: ${e.message}`).join('; ');
    throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `invalid ${type} output config: ${detail}`);
  }
  const build = loaded.get(type);
  if (!build) throw new SakerError(OUTPUT_NOT_LOADED, `the ${type} output's code is not loaded: await loadOutputTypes(['${type}']) before creating it`);
  return build(filled as Static<TSchema>, name, options);
}

function sectionAt(config: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

/** The output types a loaded config enables, each under its falcosidekick section. */
function enabledFactories(config: Record<string, unknown>): OutputFactory[] {
  return OUTPUT_FACTORIES.filter((factory) => {
    const section = sectionAt(config, factory.configPath);
    if (section === undefined || section === null || typeof section !== 'object') return false;
    return factory.isEnabled(splitRoutingKeys(section as Record<string, unknown>).section as Static<TSchema>);
  });
}

/**
 * The output types a loaded config may build: those whose falcosidekick section is enabled, and
 * those of its named instances (`outputs.instances[].type`). What `loadOutputTypes` is given at start-up.
 */
export function outputTypesOf(config: Record<string, unknown>): string[] {
  const instances = (config.outputs as { instances?: { type?: unknown }[] } | undefined)?.instances ?? [];
  const named = instances.map((item) => item.type).filter((type): type is string => typeof type === 'string' && BY_TYPE.has(type));
  return [...new Set([...enabledFactories(config).map((factory) => factory.type), ...named])];
}

/** The outputs a loaded config enables, each named after its type (their types must be loaded). */
export function createEnabledOutputs(config: Record<string, unknown>, options?: OutputCreateOptions): Output[] {
  return enabledFactories(config).map((factory) => createOutput(factory.type, sectionAt(config, factory.configPath), factory.type, options));
}
