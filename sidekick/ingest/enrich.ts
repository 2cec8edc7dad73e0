import type { Alert } from '../../contract/index.js';
import type { SakerConfig } from '../../common/config/index.js';
import { ConfigError, type ConfigProblem } from '../../common/config/index.js';
import { isSakerError } from '../../common/errors.js';
import { compileTemplate, type CompiledTemplate } from './go-template.js';

/** Turns a validated alert into the one that is stored and delivered (falcosidekick's ingest rewrites). */
export type Enricher = (alert: Alert) => Alert;

/** falcosidekick gives its self-test alert this rule name; it bypasses minimumpriority. */
export const TEST_RULE = 'Test rule';

/** falcosidekick only rewrites outputs that look like Falco's `<time>: <Priority> <text>` line. */
const FALCO_OUTPUT_LINE = /[0-9:]+\.[0-9]+: (Debug|Informational|Notice|Warning|Error|Critical|Alert|Emergency) .*/i;

/** Where the config's values may read environment variables from (`%NAME` custom fields). */
export type Environment = Record<string, string | undefined>;

function resolveCustomFields(fields: Record<string, string>, env: Environment, problems: ConfigProblem[]): [string, string][] {
  const resolved: [string, string][] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (!value.startsWith('%')) {
      resolved.push([key, value]);
      continue;
    }
    const name = value.slice(1);
    const fromEnv = env[name];
    if (fromEnv === undefined || fromEnv === '') {
      problems.push({ path: `customfields.${key}`, message: `environment variable ${name} is not set`, origin: 'configuration' });
    } else {
      resolved.push([key, fromEnv]);
    }
  }
  return resolved;
}

function compileTemplatedFields(fields: Record<string, string>, problems: ConfigProblem[]): [string, CompiledTemplate][] {
  const compiled: [string, CompiledTemplate][] = [];
  for (const [key, source] of Object.entries(fields)) {
    try {
      compiled.push([key, compileTemplate(source)]);
    } catch (error) {
      if (!isSakerError(error)) throw error;
      problems.push({ path: `templatedfields.${key}`, message: error.message, origin: 'configuration' });
    }
  }
  return compiled;
}

/** The custom fields with `%NAME` values read from `env` (unset variables left out; `buildEnricher` reports them). */
export function resolvedCustomFields(config: SakerConfig, env: Environment = process.env): Record<string, string> {
  return Object.fromEntries(resolveCustomFields(config.customfields, env, []));
}

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/**
 * Builds the ingest rewrites from the config, in falcosidekick's order: custom fields, the test
 * rule's `internal` source, templated fields (evaluated over output_fields, custom fields included),
 * custom tags and sorted tags, bracket replacement in field keys, then the output line format.
 * A `%NAME` custom field whose variable is unset, or a template that does not compile, stops start-up.
 */
export function buildEnricher(config: SakerConfig, env: Environment = process.env): Enricher {
  const problems: ConfigProblem[] = [];
  const customFields = resolveCustomFields(config.customfields, env, problems);
  const templatedFields = compileTemplatedFields(config.templatedfields, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const customTags = config.customtags;
  const bracketReplacer = config.bracketreplacer;
  const outputFormat = config.outputfieldformat;
  const customText = customFields.map(([k, v]) => `${k}=${v}`).join(' ');

  // Without these rewrites an alert's output_fields are left as they are: shared with the input, not copied.
  const rewritesFields = customFields.length > 0 || templatedFields.length > 0 || bracketReplacer !== '';

  return (input) => {
    const alert: Alert = { ...input, output_fields: rewritesFields ? { ...input.output_fields } : input.output_fields, tags: [...input.tags] };
    for (const [key, value] of customFields) alert.output_fields[key] = value;
    if (alert.rule === TEST_RULE) alert.source = 'internal';

    const templated: string[] = [];
    for (const [key, template] of templatedFields) {
      const value = template(alert.output_fields);
      alert.output_fields[key] = value;
      templated.push(`${key}=${value}`);
    }

    for (const tag of customTags) if (!alert.tags.includes(tag)) alert.tags.push(tag);
    alert.tags.sort();

    if (bracketReplacer !== '') {
      for (const key of Object.keys(alert.output_fields)) {
        if (!key.includes('[')) continue;
        const renamed = key.replaceAll(']', '').replaceAll('[', bracketReplacer);
        alert.output_fields[renamed] = alert.output_fields[key] ?? null;
        delete alert.output_fields[key];
      }
    }

    if (outputFormat !== '' && FALCO_OUTPUT_LINE.test(alert.output)) {
      const words = alert.output.split(' ');
      if (words.length >= 3) {
        let line = outputFormat
          .replaceAll('<timestamp>', (words[0] as string).replace(/:$/, ''))
          .replaceAll('<priority>', titleCase(alert.priority))
          .replaceAll('<output>', words.slice(2).join(' '))
          .replaceAll('<custom_fields>', customText)
          .replaceAll('<templated_fields>', templated.join(' '));
        // falcosidekick trims what empty placeholders leave behind, in this order.
        for (const suffix of [' ', '( )', '()', ' ']) if (line.endsWith(suffix)) line = line.slice(0, -suffix.length);
        alert.output = line;
      }
    }
    return alert;
  };
}
