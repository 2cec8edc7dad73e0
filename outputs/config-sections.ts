import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { section } from './config-common.js';
import { KafkaConfigSchema } from './kafka/config.js';
import { SlackConfigSchema } from './slack/config.js';
import { AwsConfigSchema, AwsSnsConfigSchema } from './sns/config.js';
import { WebhookConfigSchema } from './webhook/config.js';

/**
 * Each output's config section (TypeBox schema), keyed by its falcosidekick key (`slack`, `kafka`,
 * `webhook`, and `aws` holding `sns`), plus the routing keys the sidekick reads beside
 * `minimumpriority` (`match`, `dedup`). The config schema spreads this in, so an output's keys, their
 * environment variables and docs come from one place: the output's own config file.
 */

/** Keys the sidekick's router reads, next to `minimumpriority`; the output itself never sees them. */
export const ROUTING_KEYS = ['match', 'dedup'] as const;

/** `match` and `dedup`, in every output section and every named instance. */
export const routingKeys = () => ({
  match: Type.String({
    default: '',
    description:
      "Send only alerts this expression holds for, in Falco's condition syntax over the alert: `rule`, `priority` (compared by severity), `source`, `hostname`, `tags` (holds when any tag does) and output fields, by their dotted name or as `output_fields[name]` (also for names without dots, such as custom fields; a field the alert lacks has no value, so checks on it are false), e.g. `k8s.ns.name = prod and priority >= Critical` or `output_fields[k8s.ns.name] in (prod, staging)`. Empty: every alert (Saker addition).",
  }),
  dedup: Type.Object(
    {
      window: Type.Integer({
        minimum: 0,
        default: 0,
        description:
          'Seconds during which repeats of a delivered alert (same rule and `dedup.fields`) are held back; when the window closes one alert stands for them, the last repeat with output field `saker.dedup.count` (how many it stands for) and `saker.dedup.first` (time of the first). 0: off (Saker addition).',
      }),
      fields: Type.Array(Type.String(), {
        default: ['hostname'],
        description: 'What makes alerts of one rule identical: `hostname`, `priority`, `source` or output field names (Saker addition).',
      }),
      maxkeys: Type.Integer({
        minimum: 1,
        default: 10000,
        description: 'Most distinct alerts held at once; past it new ones are delivered without de-duplication and counted (Saker addition).',
      }),
    },
    section,
  ),
});

function withRouting<P extends TProperties>(schema: TObject<P>) {
  return Type.Object({ ...schema.properties, ...routingKeys() }, { ...section, description: schema.description });
}

// SNS keeps its per-output keys in `aws.sns`, where falcosidekick has `minimumpriority`.
const AwsSectionSchema = Type.Object({ ...AwsConfigSchema.properties, sns: withRouting(AwsSnsConfigSchema) }, section);

export const OUTPUT_CONFIG_SECTIONS = {
  slack: withRouting(SlackConfigSchema),
  kafka: withRouting(KafkaConfigSchema),
  aws: AwsSectionSchema,
  webhook: withRouting(WebhookConfigSchema),
} as const;

/**
 * The section schema of each output type, for named instances (`outputs.instances`): an instance is
 * `type`, `name`, the routing keys, and the keys of that type's section (for `sns`, the `aws:` keys
 * with `sns:` inside).
 */
export const OUTPUT_SECTION_SCHEMAS: Readonly<Record<string, TSchema>> = {
  webhook: WebhookConfigSchema,
  slack: SlackConfigSchema,
  kafka: KafkaConfigSchema,
  sns: AwsConfigSchema,
};

/** Output types an instance may name. */
export const OUTPUT_INSTANCE_TYPES = Object.keys(OUTPUT_SECTION_SCHEMAS);

type Section = Record<string, unknown>;
const isSection = (value: unknown): value is Section => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where an output's routing keys sit in its section, relative to it: beside `minimumpriority`, at the
 * section's top (`slack.minimumpriority`) or, for sections that group outputs (`aws` holds `sns`), in
 * the one sub-section that has it.
 */
export function routingHome(section: Section): string[] {
  if ('minimumpriority' in section) return [];
  const child = Object.entries(section).find(([, value]) => isSection(value) && 'minimumpriority' in value);
  return child ? [child[0]] : [];
}

/** A copy of `section` without the routing keys (which the output's own schema does not know), and those keys. */
export function splitRoutingKeys(section: Section): { section: Section; home: string[]; keys: Section } {
  const copy = structuredClone(section);
  const home = routingHome(copy);
  const holder = home.reduce<Section>((node, key) => (isSection(node[key]) ? (node[key] as Section) : node), copy);
  const keys: Section = { minimumpriority: holder.minimumpriority };
  for (const key of ROUTING_KEYS) {
    keys[key] = holder[key];
    delete holder[key];
  }
  return { section: copy, home, keys };
}
