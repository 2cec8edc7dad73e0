/**
 * Reading YAML nodes the way yaml-cpp (Falco's parser) presents them: every scalar is text until a
 * key is decoded as a string, a boolean or an integer; `~`, `null` and an empty value are null;
 * duplicate keys are allowed and the first one wins.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { RulesText } from './context.js';

/** A parsed YAML document, with the means to resolve its aliases. */
export interface YamlDoc {
  doc: Document.Parsed;
}

/** A YAML parse failure: what and where. */
export interface YamlParseFailure {
  message: string;
  offset: number;
}

/** Parses every document of a rules file; stops at the first syntax error, like yaml-cpp. */
export function parseYaml(text: RulesText): { docs: YamlDoc[] } | { failure: YamlParseFailure } {
  const docs = parseAllDocuments(text.content, {
    lineCounter: text.lines,
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
    strict: false,
  });
  // `parseAllDocuments` returns an EmptyStream (an array with `empty: true`) for a text with no documents.
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) return { failure: { message: error.message, offset: error.pos[0] } };
  }
  return { docs: list.map((doc) => ({ doc })) };
}

/** Resolves an alias to the node it names (aliases never nest here: we follow at most a few hops). */
export function deref(doc: YamlDoc, node: unknown): Node | null {
  let current: unknown = node;
  for (let hops = 0; hops < 16 && isAlias(current); hops++) current = current.resolve(doc.doc) ?? null;
  if (current === null || current === undefined || isAlias(current)) return null;
  return current as Node;
}

/** yaml-cpp's null: a missing value, `~`, `null` in any of its spellings, or nothing at all. */
export function isNullNode(node: Node | null | undefined): boolean {
  if (node === null || node === undefined) return true;
  if (!isScalar(node)) return false;
  if (node.type !== 'PLAIN') return false;
  return ['', '~', 'null', 'Null', 'NULL'].includes(String(node.value));
}

export function asMap(node: Node | null): YAMLMap<unknown, unknown> | undefined {
  return isMap(node) ? node : undefined;
}

export function asSeq(node: Node | null): YAMLSeq<unknown> | undefined {
  return isSeq(node) ? node : undefined;
}

export function asScalar(node: Node | null): Scalar | undefined {
  return isScalar(node) ? node : undefined;
}

/** The text of a scalar (the failsafe schema keeps every scalar a string). */
export function scalarText(node: Scalar): string {
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

/** Where a node starts in the file. */
export function nodeOffset(node: Node | null | undefined, fallback: number): number {
  return node?.range?.[0] ?? fallback;
}

/** A key of a mapping, with its key and value nodes. */
export interface MapEntry {
  key: string;
  keyNode: Node | null;
  value: Node | null;
}

/** The entries of a mapping whose keys are scalars (other keys are skipped). */
export function mapEntries(doc: YamlDoc, map: YAMLMap<unknown, unknown>): MapEntry[] {
  const entries: MapEntry[] = [];
  for (const pair of map.items) {
    const keyNode = deref(doc, pair.key);
    if (!isScalar(keyNode)) continue;
    entries.push({ key: scalarText(keyNode), keyNode, value: deref(doc, pair.value) });
  }
  return entries;
}

/** The first entry of a mapping with this key (yaml-cpp's `node[key]`). */
export function mapGet(doc: YamlDoc, map: YAMLMap<unknown, unknown>, key: string): MapEntry | undefined {
  for (const pair of map.items) {
    const keyNode = deref(doc, pair.key);
    if (isScalar(keyNode) && scalarText(keyNode) === key) return { key, keyNode, value: deref(doc, pair.value) };
  }
  return undefined;
}

/** yaml-cpp's boolean spellings. */
const BOOLEANS: ReadonlyMap<string, boolean> = new Map(
  [
    ['y', true],
    ['yes', true],
    ['true', true],
    ['on', true],
    ['n', false],
    ['no', false],
    ['false', false],
    ['off', false],
  ].flatMap(([word, value]) => {
    const w = word as string;
    const v = value as boolean;
    return [
      [w, v],
      [w.toUpperCase(), v],
      [w.charAt(0).toUpperCase() + w.slice(1), v],
    ] as [string, boolean][];
  }),
);

export function decodeBool(text: string): boolean | undefined {
  return BOOLEANS.get(text);
}

/** An unsigned 32-bit integer, as yaml-cpp decodes `uint32_t`. */
export function decodeUint32(text: string): number | undefined {
  if (!/^\+?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value <= 0xffffffff ? value : undefined;
}
