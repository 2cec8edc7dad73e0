import type { TSchema } from '@sinclair/typebox';
import { FALCOSIDEKICK_OTHER_AWS_SECTIONS, FALCOSIDEKICK_OTHER_KEYS, FALCOSIDEKICK_OTHER_SECTIONS } from './falcosidekick-sections.js';

type Tree = Record<string, unknown>;

/** What reading a config file's keys the way falcosidekick does changed or found. */
export interface FileKeyReport {
  /** Keys written in another case than the schema's, as the path written → the schema's path. */
  renamed: { written: string[]; canonical: string[] }[];
  /** The same key written twice in different cases (`Slack:` and `slack:`): the second as written, and its schema path. */
  clashes: { written: string[]; canonical: string[] }[];
  /** falcosidekick output sections (or keys) Saker does not implement, removed, by path as written. */
  ignored: string[][];
}

/** Sections whose keys keep their case: falco.yaml's keys are case-sensitive in Falco. */
const CASE_SENSITIVE: ReadonlySet<string> = new Set(['detector']);

const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value);

/** falcosidekick's example writes `securitylake.:`; a trailing dot is not part of the name. */
const sectionName = (key: string): string => key.toLowerCase().replace(/\.$/, '');

function canonicalize(node: Tree, schema: TSchema, path: string[], written: string[], report: FileKeyReport): void {
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (schema.type !== 'object' || !properties) return; // maps (customfields, customheaders) keep their keys
  const byLower = new Map(Object.keys(properties).map((key) => [key.toLowerCase(), key]));
  for (const key of Object.keys(node)) {
    const canonical = key in properties ? key : byLower.get(key.toLowerCase());
    if (canonical === undefined) continue;
    if (canonical !== key) {
      if (canonical in node) {
        // Reported once, at the second spelling; dropped so it is not also an unknown key.
        report.clashes.push({ written: [...written, key], canonical: [...path, canonical] });
        delete node[key];
        continue;
      }
      node[canonical] = node[key];
      delete node[key];
      report.renamed.push({ written: [...written, key], canonical: [...path, canonical] });
    }
    const child = node[canonical];
    if (isTree(child) && !(path.length === 0 && CASE_SENSITIVE.has(canonical))) {
      canonicalize(child, properties[canonical] as TSchema, [...path, canonical], [...written, key], report);
    }
  }
}

function removeOtherSections(tree: Tree, report: FileKeyReport): void {
  for (const key of Object.keys(tree)) {
    if (FALCOSIDEKICK_OTHER_SECTIONS.has(sectionName(key))) {
      delete tree[key];
      report.ignored.push([key]);
    }
  }
  const aws = tree.aws;
  if (isTree(aws)) {
    for (const key of Object.keys(aws)) {
      if (FALCOSIDEKICK_OTHER_AWS_SECTIONS.has(sectionName(key))) {
        delete aws[key];
        report.ignored.push(['aws', key]);
      }
    }
  }
  for (const path of FALCOSIDEKICK_OTHER_KEYS) {
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (isTree(node) ? node[key] : undefined), tree);
    const last = path[path.length - 1] as string;
    if (isTree(parent) && last in parent) {
      delete parent[last];
      report.ignored.push([...path]);
    }
  }
}

/**
 * Reads a config file's keys as falcosidekick (viper) does: case-insensitively, so `Slack:
 * {WebhookURL: …}` is `slack.webhookurl`, and without failing on the output sections it has and Saker
 * does not. Changes `tree` in place and reports what it did; keys unknown to both stay for the schema
 * check to reject.
 */
export function readFileKeys(tree: Tree, schema: TSchema): FileKeyReport {
  const report: FileKeyReport = { renamed: [], clashes: [], ignored: [] };
  canonicalize(tree, schema, [], [], report);
  removeOtherSections(tree, report);
  return report;
}
