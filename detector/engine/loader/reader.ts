/**
 * Reads one rules file into the collector, item by item, with Falco's reader semantics: which keys
 * each item takes, how values decode, `append` and `override`, and the error (always the first one in
 * the file: reading stops there) or warnings each mistake gives.
 */
import type { Node, Scalar, YAMLMap } from 'yaml';
import { parsePriority, type Priority } from '../../../contract/index.js';
import { FALCO_ENGINE_VERSION } from '../version.js';
import { ConditionText } from './condition-text.js';
import type { Collector } from './collector.js';
import { LoadContext, type ItemType, type RulesText } from './context.js';
import { LoadFailure, failIf } from './failure.js';
import type { ExceptionEntry, ExceptionInfo, ListInfo, MacroInfo, RuleInfo, RuleUpdate } from './infos.js';
import { unmetPluginRequirement } from './plugin-requirements.js';
import type { FileLoadResult } from './result.js';
import { compareSemver, parseSemver } from './semver.js';
import {
  asMap,
  asScalar,
  asSeq,
  decodeBool,
  decodeUint32,
  deref,
  isNullNode,
  mapEntries,
  mapGet,
  nodeOffset,
  parseYaml,
  scalarText,
  type YamlDoc,
} from './yaml-nodes.js';

const WARNING_APPEND = "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
const WARNING_ENABLED =
  "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace').";
const ERROR_OVERRIDE_APPEND =
  "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";

/** libsinsp's identifier and bare-string tokens: what macro and list names should look like. */
const RGX_IDENTIFIER = '([a-zA-Z]+[a-zA-Z0-9_]*)';
const RGX_BARESTR = '([^()"\'[:space:]=,]+)';
const IDENTIFIER = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;
const BARESTR = /^[^()"'\s=,]+$/;

/** Keys each item kind accepts; anything else is a LOAD_UNKNOWN_KEY warning. */
const KNOWN_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  required_engine_version: new Set(['required_engine_version']),
  required_plugin_versions: new Set(['required_plugin_versions']),
  list: new Set(['list', 'items', 'append', 'override']),
  macro: new Set(['macro', 'condition', 'append', 'override']),
  rule: new Set([
    'rule',
    'condition',
    'output',
    'desc',
    'priority',
    'source',
    'enabled',
    'tags',
    'exceptions',
    'warn_evttypes',
    'skip-if-unknown-filter',
    'append',
    'override',
    'capture',
    'capture_duration',
  ]),
};
const EXCEPTION_KEYS: ReadonlySet<string> = new Set(['name', 'fields', 'comps', 'values']);
const PLUGIN_REQUIREMENT_KEYS: ReadonlySet<string> = new Set(['name', 'version', 'alternatives']);

/** Rule keys that `override` may append to, and that it may replace. */
const RULE_APPENDABLE = ['condition', 'output', 'desc', 'tags', 'exceptions'] as const;
const RULE_REPLACEABLE = ['condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter'] as const;

/** Reading state for one file. */
interface ReadState {
  doc: YamlDoc;
  collector: Collector;
  result: FileLoadResult;
}

function valueFailure(message: string, ctx: LoadContext): never {
  throw new LoadFailure('LOAD_ERR_YAML_VALIDATE', message, ctx);
}

/** Falco's `decode_val`: a present, non-null, non-empty scalar; returns it with its context. */
function decodeScalar(
  state: ReadState,
  item: YAMLMap<unknown, unknown>,
  key: string,
  ctx: LoadContext,
  optional: boolean,
): { text: string; node: Scalar; ctx: LoadContext } | undefined {
  const entry = mapGet(state.doc, item, key);
  if (!entry && optional) return undefined;
  if (!entry) valueFailure(`Item has no mapping for key '${key}'`, ctx);
  if (isNullNode(entry.value)) valueFailure(`Mapping for key '${key}' is empty`, ctx);
  const node = entry.value as Node;
  const valctx = ctx.child('value for', key, nodeOffset(node, 0));
  const scalar = asScalar(node);
  if (!scalar) valueFailure('Value is not a scalar value', valctx);
  const text = scalarText(scalar);
  if (text === '') valueFailure('Value must be non-empty', valctx);
  return { text, node: scalar, ctx: valctx };
}

function decodeString(state: ReadState, item: YAMLMap<unknown, unknown>, key: string, ctx: LoadContext): string {
  return (decodeScalar(state, item, key, ctx, false) as { text: string }).text;
}

function decodeOptionalString(state: ReadState, item: YAMLMap<unknown, unknown>, key: string, ctx: LoadContext): string | undefined {
  return decodeScalar(state, item, key, ctx, true)?.text;
}

function decodeOptionalBool(state: ReadState, item: YAMLMap<unknown, unknown>, key: string, ctx: LoadContext): boolean | undefined {
  const decoded = decodeScalar(state, item, key, ctx, true);
  if (!decoded) return undefined;
  const value = decodeBool(decoded.text);
  if (value === undefined) valueFailure("Can't decode YAML scalar value", decoded.ctx);
  return value;
}

function decodeBoolKey(state: ReadState, item: YAMLMap<unknown, unknown>, key: string, ctx: LoadContext): boolean {
  const value = decodeOptionalBool(state, item, key, ctx);
  if (value === undefined) valueFailure(`Item has no mapping for key '${key}'`, ctx);
  return value;
}

/** A `condition:` value, remembering its node so errors inside it can be placed in the file. */
function decodeCondition(state: ReadState, item: YAMLMap<unknown, unknown>, ctx: LoadContext, condType: ItemType): ConditionText {
  const decoded = decodeScalar(state, item, 'condition', ctx, false) as { text: string; node: Scalar };
  const condCtx = ctx.child(condType, '', nodeOffset(decoded.node, 0));
  return ConditionText.of(decoded.text, decoded.node, condCtx);
}

/** Falco's `decode_seq`: a sequence of scalars. */
function decodeSeq(state: ReadState, item: YAMLMap<unknown, unknown>, key: string, ctx: LoadContext, optional: boolean): string[] | undefined {
  const entry = mapGet(state.doc, item, key);
  if (!entry && optional) return undefined;
  if (!entry) valueFailure(`Item has no mapping for key '${key}'`, ctx);
  const valctx = ctx.child('value for', key, nodeOffset(entry.value, 0));
  const seq = asSeq(entry.value);
  if (!seq) valueFailure('Value is not a sequence', valctx);
  const values: string[] = [];
  for (const raw of seq.items) {
    const node = derefNode(state, raw);
    const ictx = valctx.child('list item', '', nodeOffset(node, 0));
    const scalar = asScalar(node);
    if (!scalar) valueFailure('sequence value is not scalar', ictx);
    values.push(scalarText(scalar));
  }
  return values;
}

function derefNode(state: ReadState, raw: unknown): Node | null {
  return deref(state.doc, raw);
}

function decodeTags(state: ReadState, item: YAMLMap<unknown, unknown>, ctx: LoadContext): Set<string> | undefined {
  const tags = decodeSeq(state, item, 'tags', ctx, true);
  return tags === undefined ? undefined : new Set([...tags].sort());
}

/** Falco's `decode_overrides`: which keys the item appends to and which it replaces. */
function decodeOverrides(
  state: ReadState,
  item: YAMLMap<unknown, unknown>,
  appendable: readonly string[],
  replaceable: readonly string[],
  ctx: LoadContext,
): { append: Set<string>; replace: Set<string> } {
  const out = { append: new Set<string>(), replace: new Set<string>() };
  const entry = mapGet(state.doc, item, 'override');
  if (!entry) return out;
  const overrideCtx = ctx.child('overrides', '', nodeOffset(entry.keyNode, 0));
  const map = asMap(entry.value);
  if (!map) valueFailure('Value of override must be a mapping', overrideCtx);
  for (const { key, keyNode, value } of mapEntries(state.doc, map)) {
    const opScalar = asScalar(value);
    const operation = opScalar ? scalarText(opScalar) : '';
    const canAppend = appendable.includes(key);
    const canReplace = replaceable.includes(key);
    if (operation === 'append') {
      failIf(!canAppend, 'LOAD_ERR_YAML_VALIDATE', `Key '${key}' cannot be appended to, use 'replace' instead`, overrideCtx.child('overrides', key, nodeOffset(keyNode, 0)));
      out.append.add(key);
    } else if (operation === 'replace') {
      failIf(!canReplace, 'LOAD_ERR_YAML_VALIDATE', `Key '${key}' cannot be replaced`, overrideCtx.child('overrides', key, nodeOffset(keyNode, 0)));
      out.replace.add(key);
    } else {
      const allowed = `${canAppend ? 'append ' : ''}${canReplace ? 'replace ' : ''}`;
      valueFailure(
        `Invalid override operation for key '${key}': '${operation}'. Allowed values are: ${allowed}`,
        overrideCtx.child('value for', key, nodeOffset(value, 0)),
      );
    }
  }
  return out;
}

/** An exception's `fields`, `comps` or one of its `values`: a scalar or a sequence (two levels at most). */
function decodeExceptionEntry(state: ReadState, node: Node | null, key: string, ctx: LoadContext, depth: number): ExceptionEntry {
  const valctx = ctx.child('value for', key, nodeOffset(node, 0));
  const scalar = asScalar(node);
  if (scalar && !isNullNode(node)) {
    const text = scalarText(scalar);
    if (text === '') valueFailure('Value must be non-empty', valctx);
    return { isList: false, item: text, items: [] };
  }
  const seq = asSeq(node);
  if (seq) {
    if (depth >= 3) valueFailure('Exception values may nest lists at most two levels deep', valctx);
    const items = seq.items.map((raw) => {
      const child = derefNode(state, raw);
      return decodeExceptionEntry(state, child, '', valctx.child('exception', '', nodeOffset(child, 0)), depth + 1);
    });
    return { isList: true, item: '', items };
  }
  // yaml-cpp leaves a null or mapping entry undecoded (neither scalar nor list): an invalid entry.
  return { isList: false, item: '', items: [] };
}

function readExceptions(state: ReadState, item: YAMLMap<unknown, unknown>, parent: LoadContext, append: boolean): ExceptionInfo[] {
  const entry = mapGet(state.doc, item, 'exceptions');
  if (!entry || isNullNode(entry.value)) return [];
  const exesCtx = parent.child('exceptions', '', nodeOffset(entry.value, 0));
  const seq = asSeq(entry.value);
  if (!seq) valueFailure('Rule exceptions must be a sequence', exesCtx);
  const exceptions: ExceptionInfo[] = [];
  for (const raw of seq.items) {
    const node = derefNode(state, raw);
    const tmp = exesCtx.child('exception', '', nodeOffset(node, 0));
    const map = asMap(node);
    if (!map) valueFailure('Rule exception must be a mapping', tmp);
    const name = decodeString(state, map, 'name', tmp);
    const exCtx = parent.child('exception', name, nodeOffset(node, 0));
    warnUnknownKeys(state, map, EXCEPTION_KEYS, exCtx);
    if (exceptions.some((e) => e.name === name)) {
      state.result.addWarning('LOAD_EXCEPTION_NAME_NOT_UNIQUE', `Multiple definitions of exception '${name}' in the same rule`, exCtx);
    }
    const ex: ExceptionInfo = { name, values: [], ctx: exCtx };
    const fields = mapGet(state.doc, map, 'fields');
    if (!fields && !append) valueFailure("Item has no mapping for key 'fields'", exCtx);
    if (fields) ex.fields = decodeExceptionEntry(state, fields.value, 'fields', exCtx, 1);
    const comps = mapGet(state.doc, map, 'comps');
    if (comps) ex.comps = decodeExceptionEntry(state, comps.value, 'comps', exCtx, 1);
    const values = mapGet(state.doc, map, 'values');
    if (values) {
      const valsCtx = exCtx.child('exception values', '', nodeOffset(values.value, 0));
      const valuesSeq = asSeq(values.value);
      if (!valuesSeq) valueFailure('Rule exception values must be a sequence', valsCtx);
      for (const rawValue of valuesSeq.items) {
        const valueNode = derefNode(state, rawValue);
        const vctx = valsCtx.child('exception value', '', nodeOffset(valueNode, 0));
        if (valueNode === null) valueFailure("Item has no mapping for key ''", vctx);
        ex.values.push(decodeExceptionEntry(state, valueNode, '', vctx, 1));
      }
    } else if (append) {
      state.result.addWarning('LOAD_APPEND_NO_VALUES', 'Overriding/appending exception with no values', exCtx);
    }
    exceptions.push(ex);
  }
  return exceptions;
}

function warnUnknownKeys(state: ReadState, item: YAMLMap<unknown, unknown>, known: ReadonlySet<string>, ctx: LoadContext): void {
  for (const { key, keyNode } of mapEntries(state.doc, item)) {
    if (!known.has(key)) state.result.addWarning('LOAD_UNKNOWN_KEY', `Unknown key '${key}'. The key will be ignored.`, ctx.child('value for', key, nodeOffset(keyNode, 0)));
  }
}

function readEngineVersion(state: ReadState, item: YAMLMap<unknown, unknown>, parent: LoadContext, offset: number): void {
  const ctx = parent.child('required_engine_version', '', offset);
  const text = decodeString(state, item, 'required_engine_version', ctx);
  const asInt = decodeUint32(text);
  const required = asInt !== undefined ? ([0, asInt, 0] as const) : parseSemver(text);
  failIf(
    required === undefined,
    'LOAD_ERR_YAML_VALIDATE',
    `Unable to parse engine version '${text}' as a semver string. Expected "x.y.z" semver format.`,
    ctx,
  );
  const engine = parseSemver(FALCO_ENGINE_VERSION) ?? ([0, 0, 0] as const);
  const wanted = required ?? ([0, 0, 0] as const);
  // sinsp_version::compatible_with: same major, and not older than what the rules ask for.
  const compatible = engine[0] === wanted[0] && compareSemver(engine, wanted) >= 0;
  failIf(!compatible, 'LOAD_ERR_VALIDATE', `Rules require engine version ${wanted.join('.')}, but engine version is ${FALCO_ENGINE_VERSION}`, ctx);
}

function readPluginVersions(state: ReadState, value: Node | null, parent: LoadContext): void {
  const ctx = parent.child('required plugin versions', '', nodeOffset(value, 0));
  const seq = asSeq(value);
  if (!seq) valueFailure('Value of required_plugin_versions must be a sequence', ctx);
  for (const raw of seq.items) {
    const node = derefNode(state, raw);
    const tmp = ctx.child('required plugin versions entry', '', nodeOffset(node, 0));
    const map = asMap(node);
    if (!map) valueFailure('Plugin version must be a mapping', tmp);
    const name = decodeString(state, map, 'name', tmp);
    const pctx = ctx.child('required plugin versions entry', name, nodeOffset(node, 0));
    warnUnknownKeys(state, map, PLUGIN_REQUIREMENT_KEYS, pctx);
    const requirements = [{ name, version: decodeString(state, map, 'version', pctx) }];
    const alternatives = mapGet(state.doc, map, 'alternatives');
    if (alternatives) {
      const altSeq = asSeq(alternatives.value);
      if (!altSeq) valueFailure('Value of plugin version alternatives must be a sequence', pctx);
      for (const rawAlt of altSeq.items) {
        const altNode = derefNode(state, rawAlt);
        const atmp = pctx.child('required plugin versions alternative', '', nodeOffset(altNode, 0));
        const altMap = asMap(altNode);
        if (!altMap) valueFailure('Plugin version alternative must be a mapping', atmp);
        const altName = decodeString(state, altMap, 'name', atmp);
        const actx = pctx.child('required plugin versions alternative', altName, nodeOffset(altNode, 0));
        requirements.push({ name: altName, version: decodeString(state, altMap, 'version', actx) });
      }
    }
    const seen = new Set<string>();
    for (const req of requirements) {
      failIf(parseSemver(req.version) === undefined, 'LOAD_ERR_VALIDATE', `Invalid required version '${req.version}' for plugin '${req.name}'`, pctx);
      failIf(seen.has(req.name), 'LOAD_ERR_VALIDATE', `Defined multiple alternative version requirements for plugin '${req.name}'`, pctx);
      seen.add(req.name);
    }
    // Falco checks this after loading, at start-up; here it is an error of the file that asks.
    const unmet = unmetPluginRequirement(requirements, state.collector.plugins);
    failIf(unmet !== undefined, 'LOAD_ERR_VALIDATE', unmet ?? '', pctx);
  }
}

function readList(state: ReadState, item: YAMLMap<unknown, unknown>, parent: LoadContext, offset: number): void {
  const name = decodeString(state, item, 'list', parent.child('list', '', offset));
  const ctx = parent.child('list', name, offset);
  if (!BARESTR.test(name)) {
    state.result.addWarning('LOAD_INVALID_LIST_NAME', `List has an invalid name. List names should match a regular expression: ${RGX_BARESTR}`, ctx);
  }
  const info: ListInfo = { name, items: decodeSeq(state, item, 'items', ctx, false) ?? [], ctx, index: 0, visibility: 0 };
  const append = decodeOptionalBool(state, item, 'append', ctx) ?? false;
  if (append) state.result.addWarning('LOAD_DEPRECATED_ITEM', WARNING_APPEND, ctx);
  const overrides = decodeOverrides(state, item, ['items'], ['items'], ctx);
  failIf(append && overrides.append.size + overrides.replace.size > 0, 'LOAD_ERR_YAML_VALIDATE', ERROR_OVERRIDE_APPEND, ctx);
  if (append || overrides.append.has('items')) state.collector.appendList(info);
  else state.collector.defineList(info);
}

function readMacro(state: ReadState, item: YAMLMap<unknown, unknown>, parent: LoadContext, offset: number): void {
  const name = decodeString(state, item, 'macro', parent.child('macro', '', offset));
  const ctx = parent.child('macro', name, offset);
  if (!IDENTIFIER.test(name)) {
    state.result.addWarning('LOAD_INVALID_MACRO_NAME', `Macro has an invalid name. Macro names should match a regular expression: ${RGX_IDENTIFIER}`, ctx);
  }
  const info: MacroInfo = { name, cond: decodeCondition(state, item, ctx, 'macro condition'), ctx, index: 0, visibility: 0 };
  const append = decodeOptionalBool(state, item, 'append', ctx) ?? false;
  if (append) state.result.addWarning('LOAD_DEPRECATED_ITEM', WARNING_APPEND, ctx);
  const overrides = decodeOverrides(state, item, ['condition'], ['condition'], ctx);
  failIf(append && overrides.append.size + overrides.replace.size > 0, 'LOAD_ERR_YAML_VALIDATE', ERROR_OVERRIDE_APPEND, ctx);
  if (append || overrides.append.has('condition')) state.collector.appendMacro(info);
  else state.collector.defineMacro(info);
}

function decodePriority(state: ReadState, item: YAMLMap<unknown, unknown>, ctx: LoadContext): Priority {
  const decoded = decodeScalar(state, item, 'priority', ctx, false) as { text: string; node: Scalar };
  const priority = parsePriority(decoded.text);
  if (priority === undefined) valueFailure('Invalid priority', ctx.child('rule priority', '', nodeOffset(decoded.node, 0)));
  return priority;
}

/** Reads the keys an override names into an update; `kind` says whether it appends or replaces. */
function readRuleUpdate(state: ReadState, item: YAMLMap<unknown, unknown>, name: string, ctx: LoadContext, keys: Set<string>, expected: Set<string>, kind: 'append' | 'replace'): RuleUpdate {
  const update: RuleUpdate = { name, ctx };
  const take = (key: string): boolean => {
    if (!keys.has(key)) return false;
    failIf(!expected.has(key), 'LOAD_ERR_YAML_VALIDATE', `An ${kind} override for '${key}' was specified but '${key}' is not defined`, ctx);
    expected.delete(key);
    return true;
  };
  if (take('condition')) update.cond = decodeCondition(state, item, ctx, 'rule condition');
  if (take('exceptions')) update.exceptions = readExceptions(state, item, ctx, true);
  if (take('output')) update.output = decodeString(state, item, 'output', ctx);
  if (take('desc')) update.desc = decodeString(state, item, 'desc', ctx);
  if (take('tags')) update.tags = decodeTags(state, item, ctx) ?? new Set();
  if (kind === 'replace') {
    if (take('priority')) update.priority = decodePriority(state, item, ctx);
    if (take('enabled')) update.enabled = decodeBoolKey(state, item, 'enabled', ctx);
    if (take('warn_evttypes')) update.warnEvttypes = decodeBoolKey(state, item, 'warn_evttypes', ctx);
    if (take('skip-if-unknown-filter')) update.skipIfUnknownFilter = decodeBoolKey(state, item, 'skip-if-unknown-filter', ctx);
  }
  return update;
}

function readRule(state: ReadState, item: YAMLMap<unknown, unknown>, parent: LoadContext, offset: number): void {
  const name = decodeString(state, item, 'rule', parent.child('rule', '', offset));
  const ctx = parent.child('rule', name, offset);
  const appendFlag = decodeOptionalBool(state, item, 'append', ctx) ?? false;
  if (appendFlag) state.result.addWarning('LOAD_DEPRECATED_ITEM', WARNING_APPEND, ctx);
  const overrides = decodeOverrides(state, item, RULE_APPENDABLE, RULE_REPLACEABLE, ctx);
  const hasOverrides = overrides.append.size + overrides.replace.size > 0;
  failIf(appendFlag && hasOverrides, 'LOAD_ERR_YAML_VALIDATE', ERROR_OVERRIDE_APPEND, ctx);
  const has = (key: string): boolean => mapGet(state.doc, item, key) !== undefined;

  if (hasOverrides) {
    // Every appendable or replaceable key the item sets must be named under `override`, and back.
    const expected = new Set([...RULE_APPENDABLE, ...RULE_REPLACEABLE].filter(has));
    if (overrides.append.size > 0) state.collector.appendRule(readRuleUpdate(state, item, name, ctx, overrides.append, expected, 'append'));
    if (overrides.replace.size > 0) state.collector.replaceRule(readRuleUpdate(state, item, name, ctx, overrides.replace, expected, 'replace'));
    for (const key of expected) {
      const entry = mapGet(state.doc, item, key);
      throw new LoadFailure(
        'LOAD_ERR_YAML_VALIDATE',
        `Unexpected key '${key}': no corresponding entry under 'override' is defined.`,
        ctx.child('overrides', key, nodeOffset(entry?.value, offset)),
      );
    }
    return;
  }

  if (appendFlag) {
    const update: RuleUpdate = { name, ctx };
    if (has('condition')) update.cond = decodeCondition(state, item, ctx, 'rule condition');
    if (has('exceptions')) update.exceptions = readExceptions(state, item, ctx, true);
    state.collector.appendRule(update);
    return;
  }

  if (!has('condition') && !has('output') && !has('desc') && !has('priority')) {
    const enabled = decodeBoolKey(state, item, 'enabled', ctx);
    state.result.addWarning('LOAD_DEPRECATED_ITEM', WARNING_ENABLED, ctx);
    state.collector.enableRule(name, enabled, ctx);
    return;
  }

  const cond = decodeCondition(state, item, ctx, 'rule condition');
  const output = decodeScalar(state, item, 'output', ctx, false) as { text: string; node: Scalar };
  const desc = decodeString(state, item, 'desc', ctx);
  const priority = decodePriority(state, item, ctx);
  const info: RuleInfo = {
    name,
    cond,
    output: output.text.trim(),
    outputCtx: ctx.child('rule output', '', nodeOffset(output.node, offset)),
    desc,
    priority,
    source: decodeOptionalString(state, item, 'source', ctx) ?? 'syscall',
    enabled: decodeOptionalBool(state, item, 'enabled', ctx) ?? true,
    warnEvttypes: decodeOptionalBool(state, item, 'warn_evttypes', ctx) ?? true,
    skipIfUnknownFilter: decodeOptionalBool(state, item, 'skip-if-unknown-filter', ctx) ?? false,
    tags: decodeTags(state, item, ctx) ?? new Set(),
    exceptions: readExceptions(state, item, ctx, false),
    ctx,
    index: 0,
    visibility: 0,
    unknownSource: false,
  };
  state.collector.defineRule(info, state.result);
}

/** Item kinds, checked in Falco's order: the first key present decides what the item is. */
const ITEM_READERS: readonly {
  key: string;
  read: (state: ReadState, item: YAMLMap<unknown, unknown>, parent: LoadContext, offset: number, value: Node | null) => void;
}[] = [
  { key: 'required_engine_version', read: (state, item, parent, offset) => readEngineVersion(state, item, parent, offset) },
  { key: 'required_plugin_versions', read: (state, _item, parent, _offset, value) => readPluginVersions(state, value, parent) },
  { key: 'list', read: readList },
  { key: 'macro', read: readMacro },
  { key: 'rule', read: readRule },
];

function readItem(state: ReadState, node: Node, root: LoadContext): void {
  const offset = nodeOffset(node, 0);
  const map = asMap(node);
  if (!map) valueFailure('Unexpected element type. Each element should be a yaml associative array.', root.child('rules content item', '', offset));
  for (const reader of ITEM_READERS) {
    const entry = mapGet(state.doc, map, reader.key);
    if (!entry) continue;
    const known = KNOWN_KEYS[reader.key] ?? new Set<string>();
    const nameScalar = asScalar(entry.value);
    const name = nameScalar ? scalarText(nameScalar) : '';
    const kind = reader.key === 'required_plugin_versions' ? 'required plugin versions' : (reader.key as ItemType);
    warnUnknownKeys(state, map, known, root.child(kind, reader.key === 'required_engine_version' ? '' : name, offset));
    reader.read(state, map, root, offset, entry.value);
    return;
  }
  state.result.addWarning('LOAD_UNKNOWN_ITEM', 'Unknown top level item', root.child('rules content item', '', offset));
}

/**
 * Reads a rules file into the collector. Returns false (with the error in `result`) when the file is
 * not valid: YAML that does not parse, or the first item that is wrong. Items before it stay collected.
 */
export function readRulesFile(text: RulesText, collector: Collector, result: FileLoadResult): boolean {
  const root = LoadContext.root(text);
  const parsed = parseYaml(text);
  if ('failure' in parsed) {
    result.addError('LOAD_ERR_YAML_PARSE', parsed.failure.message, root.child('value for', '', parsed.failure.offset));
    return false;
  }
  for (const doc of parsed.docs) {
    const contents = doc.doc.contents as Node | null;
    if (isNullNode(contents)) continue;
    const state: ReadState = { doc, collector, result };
    try {
      const seq = asSeq(contents);
      failIf(!seq && !asMap(contents), 'LOAD_ERR_YAML_VALIDATE', 'Rules content is not yaml', root);
      if (!seq) throw new LoadFailure('LOAD_ERR_YAML_VALIDATE', 'Rules content is not yaml array of objects', root);
      for (const raw of seq.items) {
        const item = derefNode(state, raw);
        if (isNullNode(item)) continue;
        readItem(state, item as Node, root);
      }
    } catch (error) {
      if (error instanceof LoadFailure) result.addError(error.code, error.message, error.ctx);
      else result.addError('LOAD_ERR_VALIDATE', error instanceof Error ? error.message : String(error), root);
      return false;
    }
  }
  return true;
}
