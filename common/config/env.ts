import type { TSchema } from '@sinclair/typebox';
import { SakerError, ERROR_CODES } from '../errors.js';

/** A leaf of the config schema: its dotted path, its environment variable and how to read a string. */
export interface ConfigLeaf {
  path: string[];
  envName: string;
  schema: TSchema;
  kind: LeafKind;
}

type LeafKind = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'records' | 'map' | 'enum';

/** falcosidekick's convention: the key path upper-cased and joined with `_`. */
export function envNameFor(path: readonly string[]): string {
  return path.join('_').toUpperCase();
}

function kindOf(schema: TSchema): LeafKind {
  if (Array.isArray(schema.anyOf)) return 'enum';
  switch (schema.type) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return (schema.items as TSchema | undefined)?.type === 'object' ? 'records' : 'list';
    case 'object':
      return 'map';
    default:
      return 'string';
  }
}

/** Every leaf of an object schema, depth first, in declaration order. */
export function configLeaves(schema: TSchema, prefix: string[] = []): ConfigLeaf[] {
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (schema.type === 'object' && properties) {
    return Object.entries(properties).flatMap(([key, child]) => configLeaves(child, [...prefix, key]));
  }
  return [{ path: prefix, envName: envNameFor(prefix), schema, kind: kindOf(schema) }];
}

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/** Reads an environment variable's text as the leaf's type; throws a config error naming the variable. */
export function parseEnvValue(leaf: ConfigLeaf, text: string): unknown {
  const fail = (expected: string): never => {
    throw new SakerError(ERROR_CODES.CONFIG_INVALID, `expected ${expected}, got '${text}'`);
  };
  const trimmed = text.trim();
  switch (leaf.kind) {
    case 'integer':
      return /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : fail('an integer');
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : fail('a number');
    case 'boolean':
      return BOOLEAN_WORDS.get(trimmed.toLowerCase()) ?? fail('true or false');
    case 'records':
      // A list of mappings has no comma form: the variable holds it as JSON (which is also YAML).
      try {
        return trimmed === '' ? [] : (JSON.parse(trimmed) as unknown);
      } catch {
        return fail('a JSON list of objects');
      }
    case 'list':
      return trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim()).filter((item) => item !== '');
    case 'map':
      // falcosidekick's form for maps such as customfields: `key:value,key2:value2`.
      return Object.fromEntries(
        trimmed
          .split(',')
          .filter((pair) => pair.trim() !== '')
          .map((pair) => {
            const colon = pair.indexOf(':');
            return colon < 1 ? fail('key:value pairs separated by commas') : [pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()];
          }),
      );
    case 'enum':
    case 'string':
      return text;
  }
}
