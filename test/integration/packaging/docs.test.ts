import { readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../cli/program.js';
import { ConfigSchema, configLeaves } from '../../../common/config/index.js';

/*
 * The migration guide and the rules guide name config keys, environment variables, commands and
 * rules; each must exist in the code, so the docs cannot drift from it unnoticed.
 */

const DOCS = ['docs/migrating-from-falcosidekick.md', 'docs/rules.md'] as const;
/** Variables the docs may name that are not config leaves. */
const OTHER_VARIABLES = new Set(['SAKER_CONFIG']);

const read = (file: string): string => readFileSync(file, 'utf8');
const codeSpans = (text: string): string[] => [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
const codeBlocks = (text: string, language: string): string[] =>
  [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);

/** Whether `path` names a key or section of the config schema. */
function inSchema(path: readonly string[]): boolean {
  let node: TSchema | undefined = ConfigSchema;
  for (const key of path) {
    const properties = node?.properties as Record<string, TSchema> | undefined;
    node = properties?.[key];
    if (node === undefined) return false;
  }
  return true;
}

const TOP_LEVEL = new Set(Object.keys(ConfigSchema.properties));

/** The config keys a doc names: code spans whose first segment is a top-level key (`slack.webhookurl`, `requiredacks: NONE` is a value). */
function keysNamed(text: string): string[][] {
  return codeSpans(text)
    .map((span) => span.replace(/:\s.*$/, ''))
    .filter((span) => /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(span) && TOP_LEVEL.has(span.split('.')[0] as string))
    .map((span) => span.split('.'));
}

/** `| \`section\` … | \`key\`, \`key\` |` rows: keys relative to their section. */
function sectionTableKeys(text: string): string[][] {
  const out: string[][] = [];
  for (const row of text.matchAll(/^\| `(\w+)`[^|]*\| (`[^|]+)\|$/gm)) {
    const section = row[1] as string;
    if (!TOP_LEVEL.has(section)) continue;
    for (const key of (row[2] as string).matchAll(/`([\w.]+)`/g)) out.push([section, ...(key[1] as string).split('.')]);
  }
  return out;
}

/** Every key path of a YAML mapping, down to values that are not mappings. */
function mappingPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => mappingPaths(child, [...prefix, key]));
}

async function help(args: string[]): Promise<string> {
  let text = '';
  const io = { out: (t: string) => void (text += t), err: (t: string) => void (text += t) };
  expect(await main([...args, '--help'], io)).toBe(0);
  return text;
}

/** `saker <command> [subcommand] [options…]` as the docs write it, from code spans and shell blocks. */
function commandsNamed(text: string): string[][] {
  const lines = [...codeSpans(text), ...codeBlocks(text, 'sh').flatMap((block) => block.split('\n'))];
  return lines.flatMap((line) => [...line.matchAll(/\bsaker ((?:[a-z][\w-]*|-{1,2}[a-z][\w-]*)(?: (?:'[^']*'|[^\s#]+))*)/g)]).map((m) => (m[1] as string).split(' '));
}

describe.each(DOCS)('%s', (file) => {
  const text = read(file);

  it('names only config keys that exist in the schema', () => {
    const named = [...keysNamed(text), ...sectionTableKeys(text)];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((path) => !inSchema(path)).map((path) => path.join('.'))).toEqual([]);
  });

  it('writes config.yaml examples with existing keys only', () => {
    const examples = codeBlocks(text, 'yaml').filter((block) => block.startsWith('# config.yaml'));
    for (const example of examples) {
      const paths = mappingPaths(parse(example));
      expect(paths.filter((path) => !inSchema(path)).map((path) => path.join('.'))).toEqual([]);
    }
  });

  it('names only environment variables Saker reads', () => {
    const known = new Set([...configLeaves(ConfigSchema).map((leaf) => leaf.envName), ...OTHER_VARIABLES]);
    const named = codeSpans(text).filter((span) => /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(span) || OTHER_VARIABLES.has(span.replace(/^\$/, '')));
    expect(named.length).toBeGreaterThan(0);
    expect(named.map((name) => name.replace(/^\$/, '')).filter((name) => !known.has(name))).toEqual([]);
  });

  it('names only commands and options the CLI has', async () => {
    const top = await help([]);
    const named = commandsNamed(text);
    expect(named.length).toBeGreaterThan(0);
    for (const words of named) {
      const [command, maybeSub] = words;
      expect(top, `saker ${command}`).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      const commandHelp = await help([command as string]);
      const sub = maybeSub !== undefined && !maybeSub.startsWith('-') && new RegExp(`^  ${maybeSub}\\b`, 'm').test(commandHelp) ? maybeSub : undefined;
      const ownHelp = sub === undefined ? commandHelp : await help([command as string, sub]);
      for (const option of words.filter((w) => w.startsWith('-'))) expect(ownHelp, `saker ${words.join(' ')}`).toMatch(new RegExp(`(^|[ ,])${option}[ ,\\n]`));
    }
  });
});

describe('docs/rules.md', () => {
  it('lists every rule of Saker’s rule files with its priority, and no other', () => {
    const documented = new Set([...read('docs/rules.md').matchAll(/^\| ([^|`]+?) \| (EMERGENCY|ALERT|CRITICAL|ERROR|WARNING|NOTICE|INFORMATIONAL|DEBUG) \|/gm)].map((m) => `${m[1]} / ${m[2]}`));
    const shipped = new Set<string>();
    for (const file of ['rules/saker_rules.yaml', 'rules/saker_k8s_audit_rules.yaml', 'rules/saker_cloudtrail_rules.yaml']) {
      for (const item of parse(read(file)) as { rule?: string; priority?: string }[]) if (item.rule) shipped.add(`${item.rule} / ${item.priority}`);
    }
    expect([...documented].sort()).toEqual([...shipped].sort());
  });
});
