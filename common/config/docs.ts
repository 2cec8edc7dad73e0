import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './schema.js';
import { configLeaves, type ConfigLeaf } from './env.js';

/** A leaf's type as a reader would write it. */
function typeOf(leaf: ConfigLeaf): string {
  const schema = leaf.schema;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).map((option) => `\`${String(option.const)}\``).join(' | ');
  switch (leaf.kind) {
    case 'list':
      return 'list of strings (env: comma-separated)';
    case 'map':
      return 'map of strings (env: `key:value,key2:value2`)';
    case 'records':
      return 'list of mappings (env: JSON)';
    default:
      return leaf.kind;
  }
}

function defaultOf(leaf: ConfigLeaf): string {
  const value: unknown = leaf.schema.default;
  if (value === undefined) return '';
  if (value === '') return '(empty)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : `\`${value.join(',')}\``;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '(none)' : `\`${JSON.stringify(value)}\``;
  return `\`${String(value)}\``;
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/configuration.md, generated from the config schema so the documentation cannot drift from
 * what the loader accepts. `npm run docs` rewrites it; a test fails when it is stale.
 */
export function renderConfigDocs(): string {
  const rows = configLeaves(ConfigSchema).map(
    (leaf) =>
      `| \`${leaf.path.join('.')}\` | \`${leaf.envName}\` | ${escapeCell(typeOf(leaf))} | ${escapeCell(defaultOf(leaf))} | ${escapeCell(String(leaf.schema.description ?? ''))} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from common/config/schema.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Saker reads one YAML file (`--config FILE` or `$SAKER_CONFIG`), then environment variables, then',
    'command-line flags, each overriding the one before. Keys follow falcosidekick\'s names, so an',
    'existing falcosidekick `config.yaml` or environment carries over; the `detector:` section follows',
    'falco.yaml. A key\'s environment variable is its path upper-cased and joined with `_`.',
    '',
    'An unknown key or a value of the wrong type stops start-up with the key\'s path and where the value',
    'came from (file:line:column, or the variable\'s name).',
    '',
    '| key | environment variable | type | default | description |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
