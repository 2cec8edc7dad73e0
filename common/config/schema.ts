import { Type, type Static } from '@sinclair/typebox';
import { PRIORITIES } from '../../contract/index.js';
import { OUTPUT_CONFIG_SECTIONS } from '../../outputs/config-sections.js';

/**
 * Saker's configuration. Top-level keys and the output sections follow falcosidekick's names, so an
 * existing falcosidekick `config.yaml` or environment carries over; the `detector` section follows
 * falco.yaml's names. Every leaf can be overridden by an environment variable named after its path
 * (`slack.webhookurl` → `SLACK_WEBHOOKURL`, `detector.rules_files` → `DETECTOR_RULES_FILES`).
 *
 * Each leaf has a `description` and a `default`: docs are generated from this schema.
 */
const strict = { additionalProperties: false } as const;

const LogLevel = Type.Union(
  ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l)),
  { default: 'info', description: 'Log level (Saker addition).' },
);

const PriorityName = Type.Union(
  [...PRIORITIES.map((p) => p.toLowerCase()), 'info'].map((p) => Type.Literal(p)),
  { description: 'A Falco priority, lower-case.' },
);

export const DetectorConfigSchema = Type.Object(
  {
    rules_files: Type.Array(Type.String(), {
      default: [],
      description: "Rules files or folders, loaded in order. Empty: Saker's own rules.",
    }),
    priority: Type.Union(PriorityName.anyOf, { default: 'debug', description: 'Rules below this priority are not loaded.' }),
    rule_matching: Type.Union([Type.Literal('first'), Type.Literal('all')], {
      default: 'first',
      description: 'Whether an event triggers only the first matching rule or every matching rule.',
    }),
    hostname: Type.String({ default: '', description: 'Hostname written into alerts. Empty: the machine hostname.' }),
    http_output: Type.Object(
      {
        url: Type.String({ default: 'http://127.0.0.1:2801/', description: 'Where the detector posts alerts (the sidekick).' }),
      },
      { ...strict, default: {} },
    ),
  },
  { ...strict, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    listenaddress: Type.String({ default: '', description: 'Address the sidekick listens on. Empty: all interfaces.' }),
    listenport: Type.Integer({ minimum: 1, maximum: 65535, default: 2801, description: 'Sidekick HTTP ingest port.' }),
    debug: Type.Boolean({ default: false, description: 'Log each output payload (falcosidekick compatible).' }),
    loglevel: LogLevel,
    datadir: Type.String({
      default: '.saker',
      description: 'Folder for the outbox, dead letters and alert store (Saker addition).',
    }),
    webui: Type.Object(
      {
        listenport: Type.Integer({ minimum: 1, maximum: 65535, default: 2802, description: 'Web UI port.' }),
      },
      { ...strict, default: {} },
    ),
    detector: DetectorConfigSchema,
    ...OUTPUT_CONFIG_SECTIONS,
  },
  strict,
);

export type SakerConfig = Static<typeof ConfigSchema>;
export type DetectorConfig = Static<typeof DetectorConfigSchema>;
