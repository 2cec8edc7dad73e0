/**
 * What the reader collects from rules files before anything is compiled: lists, macros and rules as
 * written (after appends and overrides), each with its context for error reporting.
 */
import type { Priority } from '../../../contract/index.js';
import type { ConditionText } from './condition-text.js';
import type { LoadContext } from './context.js';

/**
 * Definition order. `index` is where the item first appeared (a redefinition keeps it);
 * `visibility` is the order of its latest definition or append, which decides what it may refer to.
 */
export interface Ordered {
  name: string;
  index: number;
  visibility: number;
}

export interface ListInfo extends Ordered {
  items: string[];
  ctx: LoadContext;
}

export interface MacroInfo extends Ordered {
  cond: ConditionText;
  ctx: LoadContext;
}

/** A field, comparison or value of an exception: a scalar or a (possibly nested) sequence. */
export interface ExceptionEntry {
  isList: boolean;
  item: string;
  items: ExceptionEntry[];
}

/** Falco's `is_valid()`: a non-empty scalar or a non-empty sequence. */
export function isValidEntry(entry: ExceptionEntry | undefined): entry is ExceptionEntry {
  return entry !== undefined && (entry.isList ? entry.items.length > 0 : entry.item !== '');
}

export interface ExceptionInfo {
  name: string;
  fields?: ExceptionEntry;
  comps?: ExceptionEntry;
  values: ExceptionEntry[];
  ctx: LoadContext;
}

export interface RuleInfo extends Ordered {
  cond: ConditionText;
  output: string;
  outputCtx: LoadContext;
  desc: string;
  priority: Priority;
  source: string;
  enabled: boolean;
  warnEvttypes: boolean;
  skipIfUnknownFilter: boolean;
  /** A set, sorted as Falco's `std::set` is. */
  tags: Set<string>;
  exceptions: ExceptionInfo[];
  ctx: LoadContext;
  /** No field table for `source`: kept (later items may refer to it) but never compiled. */
  unknownSource: boolean;
}

/** An append or selective replace of an existing rule: only the keys it names. */
export interface RuleUpdate {
  name: string;
  ctx: LoadContext;
  cond?: ConditionText;
  output?: string;
  desc?: string;
  tags?: Set<string>;
  exceptions?: ExceptionInfo[];
  priority?: Priority;
  enabled?: boolean;
  warnEvttypes?: boolean;
  skipIfUnknownFilter?: boolean;
}
