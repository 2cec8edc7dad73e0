/**
 * Collects lists, macros and rules across files in definition order, applying redefinitions, appends,
 * selective replaces and `enabled` toggles with Falco's semantics and error messages.
 */
import { BINARY_OPERATORS } from '../ast.js';
import type { FieldTable } from '../fields.js';
import type { LoadContext } from './context.js';
import { failIf, required } from './failure.js';
import { isFieldDefined } from './field-names.js';
import { isValidEntry, type ExceptionInfo, type ListInfo, type MacroInfo, type Ordered, type RuleInfo, type RuleUpdate } from './infos.js';
import { DEFAULT_AVAILABLE_PLUGINS, type AvailablePlugin } from './plugin-requirements.js';
import type { FileLoadResult } from './result.js';

const SUPPORTED_OPERATORS: ReadonlySet<string> = new Set([...BINARY_OPERATORS, 'exists']);

/** What a scalar exception field may be compared with (the list operators). */
const SCALAR_FIELD_COMPS: ReadonlySet<string> = new Set(['in', 'pmatch', 'intersects']);

/** An ordered, name-indexed collection (Falco's `indexed_vector`). */
class Indexed<T extends Ordered> {
  readonly byName = new Map<string, T>();
  readonly ordered: T[] = [];

  get(name: string): T | undefined {
    return this.byName.get(name);
  }

  /** A definition: new items go last; a redefinition replaces in place, keeping the first index. */
  define(info: T, id: number): void {
    const prev = this.byName.get(info.name);
    if (prev) {
      info.index = prev.index;
      info.visibility = id;
      this.ordered[this.ordered.indexOf(prev)] = info;
    } else {
      info.index = id;
      info.visibility = id;
      this.ordered.push(info);
    }
    this.byName.set(info.name, info);
  }
}

export type FieldTables = ReadonlyMap<string, FieldTable<unknown>>;

/** The state built by reading rules files; it outlives each file so later files see earlier items. */
export class Collector {
  readonly lists = new Indexed<ListInfo>();
  readonly macros = new Indexed<MacroInfo>();
  readonly rules = new Indexed<RuleInfo>();
  private nextId = 0;

  constructor(
    private readonly tables: FieldTables,
    /** The plugins `required_plugin_versions` are checked against. */
    readonly plugins: readonly AvailablePlugin[] = DEFAULT_AVAILABLE_PLUGINS,
  ) {}

  defineList(info: ListInfo): void {
    this.lists.define(info, this.nextId++);
  }

  appendList(info: ListInfo): void {
    const prev = required(
      this.lists.get(info.name),
      'LOAD_ERR_VALIDATE',
      "List uses 'append' or 'override.items: append' but no list by that name already exists",
      info.ctx,
    );
    prev.items.push(...info.items);
    prev.visibility = this.nextId++;
  }

  defineMacro(info: MacroInfo): void {
    this.macros.define(info, this.nextId++);
  }

  appendMacro(info: MacroInfo): void {
    const prev = required(
      this.macros.get(info.name),
      'LOAD_ERR_VALIDATE',
      "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
      info.ctx,
    );
    prev.cond = prev.cond.append(info.cond);
    prev.visibility = this.nextId++;
  }

  defineRule(info: RuleInfo, result: FileLoadResult): void {
    const prev = this.rules.get(info.name);
    failIf(prev !== undefined && prev.source !== info.source, 'LOAD_ERR_VALIDATE', 'Rule has been re-defined with a different source', info.ctx);
    const table = this.tables.get(info.source);
    if (!table) {
      info.unknownSource = true;
      result.addWarning('LOAD_UNKNOWN_SOURCE', `Unknown source ${info.source}, skipping`, info.ctx);
    }
    for (const ex of info.exceptions) {
      failIf(!isValidEntry(ex.fields), 'LOAD_ERR_VALIDATE', 'Rule exception item must have fields property with a list of fields', ex.ctx);
      validateException(table, ex);
    }
    this.rules.define(info, this.nextId++);
  }

  appendRule(update: RuleUpdate): void {
    const rule = required(
      this.rules.get(update.name),
      'LOAD_ERR_VALIDATE',
      "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists",
      update.ctx,
    );
    failIf(!hasAnyValue(update), 'LOAD_ERR_VALIDATE', 'Appended rule must have exceptions or condition property', update.ctx);
    const table = rule.unknownSource ? undefined : this.tables.get(rule.source);
    if (update.cond !== undefined && update.cond.text !== '') rule.cond = rule.cond.append(update.cond);
    if (update.output !== undefined && update.output !== '') rule.output = `${rule.output} ${update.output}`;
    if (update.desc !== undefined && update.desc !== '') rule.desc = `${rule.desc} ${update.desc}`;
    if (update.tags) for (const tag of update.tags) rule.tags.add(tag);
    for (const ex of update.exceptions ?? []) {
      const existing = rule.exceptions.find((e) => e.name === ex.name);
      if (!existing) {
        failIf(!isValidEntry(ex.fields), 'LOAD_ERR_VALIDATE', 'Rule exception must have fields property with a list of fields', ex.ctx);
        failIf(ex.values.length === 0, 'LOAD_ERR_VALIDATE', 'Rule exception must have values property with a list of values', ex.ctx);
        validateException(table, ex);
        rule.exceptions.push(ex);
      } else {
        failIf(isValidEntry(ex.fields), 'LOAD_ERR_VALIDATE', 'Can not append exception fields to existing exception, only values', ex.ctx);
        failIf(isValidEntry(ex.comps), 'LOAD_ERR_VALIDATE', 'Can not append exception comps to existing exception, only values', ex.ctx);
        existing.values.push(...ex.values);
      }
    }
    rule.visibility = this.nextId++;
  }

  replaceRule(update: RuleUpdate): void {
    const rule = required(
      this.rules.get(update.name),
      'LOAD_ERR_VALIDATE',
      "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
      update.ctx,
    );
    failIf(!hasAnyValue(update), 'LOAD_ERR_VALIDATE', 'The rule must have at least one field that can be replaced', update.ctx);
    if (update.cond !== undefined) rule.cond = update.cond;
    if (update.output !== undefined) rule.output = update.output;
    if (update.desc !== undefined) rule.desc = update.desc;
    if (update.tags !== undefined) rule.tags = update.tags;
    if (update.exceptions !== undefined) {
      const table = rule.unknownSource ? undefined : this.tables.get(rule.source);
      for (const ex of update.exceptions) {
        failIf(!isValidEntry(ex.fields), 'LOAD_ERR_VALIDATE', 'Rule exception item must have fields property with a list of fields', ex.ctx);
        validateException(table, ex);
      }
      rule.exceptions = update.exceptions;
    }
    if (update.priority !== undefined) rule.priority = update.priority;
    if (update.enabled !== undefined) rule.enabled = update.enabled;
    if (update.warnEvttypes !== undefined) rule.warnEvttypes = update.warnEvttypes;
    if (update.skipIfUnknownFilter !== undefined) rule.skipIfUnknownFilter = update.skipIfUnknownFilter;
    rule.visibility = this.nextId++;
  }

  /** The deprecated `- rule: x` + `enabled: false` form. */
  enableRule(name: string, enabled: boolean, ctx: LoadContext): void {
    const rule = required(this.rules.get(name), 'LOAD_ERR_VALIDATE', "Rule has 'enabled' key but no rule by that name already exists", ctx);
    rule.enabled = enabled;
  }
}

function hasAnyValue(update: RuleUpdate): boolean {
  return (
    update.cond !== undefined ||
    update.output !== undefined ||
    update.desc !== undefined ||
    update.tags !== undefined ||
    update.exceptions !== undefined ||
    update.priority !== undefined ||
    update.enabled !== undefined ||
    update.warnEvttypes !== undefined ||
    update.skipIfUnknownFilter !== undefined
  );
}

/** Falco's `validate_exception_info`: default comps, matching lengths, known operators and fields. */
function validateException(table: FieldTable<unknown> | undefined, ex: ExceptionInfo): void {
  const fields = required(ex.fields, 'LOAD_ERR_VALIDATE', 'Rule exception item must have fields property with a list of fields', ex.ctx);
  if (fields.isList) {
    if (!isValidEntry(ex.comps)) ex.comps = { isList: true, item: '', items: fields.items.map(() => ({ isList: false, item: '=', items: [] })) };
    const comps = ex.comps;
    failIf(fields.items.length !== comps.items.length, 'LOAD_ERR_VALIDATE', 'Fields and comps lists must have equal length', ex.ctx);
    for (const comp of comps.items) {
      failIf(!SUPPORTED_OPERATORS.has(comp.item), 'LOAD_ERR_VALIDATE', `'${comp.item}' is not a supported comparison operator`, ex.ctx);
    }
    if (table) {
      for (const field of fields.items) {
        failIf(!isFieldDefined(table, field.item), 'LOAD_ERR_VALIDATE', `'${field.item}' is not a supported filter field`, ex.ctx);
      }
    }
  } else {
    if (!isValidEntry(ex.comps)) ex.comps = { isList: false, item: 'in', items: [] };
    const comps = ex.comps;
    failIf(comps.isList, 'LOAD_ERR_VALIDATE', 'Fields and comps must both be strings', ex.ctx);
    failIf(
      !SCALAR_FIELD_COMPS.has(comps.item),
      'LOAD_ERR_VALIDATE',
      'When fields is a single value, comps must be one of (in, pmatch, intersects)',
      ex.ctx,
    );
    if (table) failIf(!isFieldDefined(table, fields.item), 'LOAD_ERR_VALIDATE', `'${fields.item}' is not a supported filter field`, ex.ctx);
  }
}
