import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type SakerConfig } from './schema.js';
import { configLeaves, parseEnvValue } from './env.js';
import { readFileKeys } from './file-keys.js';
import { SakerError, ERROR_CODES } from '../errors.js';

export interface LoadConfigOptions {
  /** YAML config file; omitted means embedded defaults plus environment. */
  file?: string;
  /** Environment to read overrides from (default: `process.env`). */
  env?: Record<string, string | undefined>;
  /** Highest-precedence values, by dotted path (command-line flags). */
  overrides?: Record<string, unknown>;
}

/** One invalid config value, located by key path and, where it came from, file position or variable. */
export interface ConfigProblem {
  path: string;
  message: string;
  origin: string;
}

/** Thrown when the config cannot be used; `problems` lists every bad key. */
export class ConfigError extends SakerError {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.origin}: ${p.path}: ${p.message}`);
    super(ERROR_CODES.CONFIG_INVALID, `invalid configuration:\n${lines.join('\n')}`);
    this.problems = problems;
  }
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

interface ParsedFile {
  tree: Tree;
  describe: (path: readonly string[]) => string;
}

function readConfigFile(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SakerError(ERROR_CODES.CONFIG_FILE, `cannot read config file ${file}: ${(cause as Error).message}`, { cause });
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    throw new SakerError(ERROR_CODES.CONFIG_FILE, `${file}:${pos.line}:${pos.col}: ${firstError.message.split('\n')[0]}`);
  }
  const tree: unknown = doc.toJS() ?? {};
  if (typeof tree !== 'object' || Array.isArray(tree) || tree === null) {
    throw new SakerError(ERROR_CODES.CONFIG_FILE, `${file}: the top level must be a mapping of keys`);
  }
  const describe = (path: readonly string[]): string => {
    // Point at the deepest part of the path that exists in the file (an unknown key's own node).
    for (let depth = path.length; depth > 0; depth--) {
      const offset = findKeyOffset(doc, path.slice(0, depth));
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        return `${file}:${pos.line}:${pos.col}`;
      }
    }
    return file;
  };
  return { tree: tree as Tree, describe };
}

interface YamlNode {
  items?: { key?: { value?: unknown; range?: [number, number, number] } | null; value?: unknown }[] | unknown[];
  range?: [number, number, number];
}

/** The pair of `node` (a mapping) whose key is `key`, exactly or else in any case (viper's reading). */
function pairOf(node: YamlNode, key: string): { key?: { value?: unknown; range?: [number, number, number] } | null; value?: unknown } | undefined {
  const pairs = (node.items ?? []) as { key?: { value?: unknown; range?: [number, number, number] } | null; value?: unknown }[];
  return pairs.find((p) => p?.key?.value === key) ?? pairs.find((p) => typeof p?.key?.value === 'string' && p.key.value.toLowerCase() === key.toLowerCase());
}

/** Offset of the key token for `path` in the YAML document (an item's start in a list), so errors point at it. */
function findKeyOffset(doc: Document, path: readonly string[]): number | undefined {
  let node = doc.contents as YamlNode | null;
  for (const [depth, key] of path.entries()) {
    if (!node || !Array.isArray(node.items)) return undefined;
    const last = depth === path.length - 1;
    const first = node.items[0] as { key?: unknown } | undefined;
    if (first !== undefined && (first === null || typeof first !== 'object' || !('key' in first))) {
      // A sequence: the path step is an index.
      const item = /^\d+$/.test(key) ? (node.items[Number(key)] as YamlNode | undefined) : undefined;
      if (last) return item?.range?.[0];
      node = item ?? null;
      continue;
    }
    const pair = pairOf(node, key);
    if (last) return pair?.key?.range?.[0];
    node = (pair?.value ?? null) as YamlNode | null;
  }
  return undefined;
}

/** Where each value of a loaded config came from, and what the loader warns about, kept beside it. */
interface ConfigProvenance {
  origin(path: readonly string[]): string;
  warnings: string[];
}

const PROVENANCE = new WeakMap<object, ConfigProvenance>();

/**
 * Where the value at `path` of a config returned by `loadConfig` came from: `file:line:col`, an
 * environment variable, the command line, or `defaults`. For checks made after loading (`match:`
 * expressions, named instances) so their errors point where the loader's do.
 */
export function configOrigin(config: object, path: readonly string[]): string {
  return PROVENANCE.get(config)?.origin(path) ?? 'configuration';
}

/** Warnings `loadConfig` found (ignored falcosidekick sections, …), for the caller to log. */
export function configWarnings(config: object): readonly string[] {
  return PROVENANCE.get(config)?.warnings ?? [];
}

/**
 * Loads the configuration: schema defaults, then the YAML file, then environment variables, then
 * command-line overrides. Any unknown or ill-typed key throws a `ConfigError` naming every bad key.
 */
export function loadConfig(options: LoadConfigOptions = {}): SakerConfig {
  const env = options.env ?? process.env;
  const parsed = options.file ? readConfigFile(options.file) : undefined;
  const tree: Tree = structuredClone(parsed?.tree ?? {});
  const origins = new Map<string, string>();

  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  if (parsed) {
    const keys = readFileKeys(tree, ConfigSchema);
    for (const { written, canonical } of keys.clashes) {
      problems.push({ path: canonical.join('.'), message: 'given twice, in different letter cases', origin: parsed.describe(written) });
    }
    if (keys.ignored.length > 0) {
      warnings.push(
        `${options.file}: ignoring falcosidekick settings Saker does not implement: ${keys.ignored.map((p) => p.join('.')).join(', ')}`,
      );
    }
  }
  for (const leaf of configLeaves(ConfigSchema)) {
    const text = env[leaf.envName];
    if (text === undefined) continue;
    try {
      setPath(tree, leaf.path, parseEnvValue(leaf, text));
      origins.set(leaf.path.join('.'), `environment variable ${leaf.envName}`);
    } catch (error) {
      if (!(error instanceof SakerError)) throw error;
      problems.push({ path: leaf.path.join('.'), message: error.message, origin: `environment variable ${leaf.envName}` });
    }
  }
  for (const [dotted, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(tree, dotted.split('.'), value);
    origins.set(dotted, 'command line');
  }

  const config = Value.Default(ConfigSchema, tree);
  for (const error of Value.Errors(ConfigSchema, config)) {
    const path = error.path.split('/').filter((part) => part !== '');
    const dotted = path.join('.') || '(top level)';
    if (problems.some((p) => p.path === dotted)) continue;
    const message = error.message === 'Unexpected property' ? 'unknown key' : error.message.toLowerCase();
    const origin = origins.get(dotted) ?? parsed?.describe(path) ?? 'defaults';
    problems.push({ path: dotted, message, origin });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  PROVENANCE.set(config as object, {
    origin: (path) => origins.get(path.join('.')) ?? parsed?.describe(path) ?? 'defaults',
    warnings,
  });
  return config as SakerConfig;
}
