/**
 * Loads rules files in order, as Falco does: each file is read into one shared collection (later
 * files see, redefine and append to earlier items) and, when it reads cleanly, everything collected so
 * far is compiled again; that file's result gets the errors and warnings of its read and of that compile.
 */
import { readFileSync, statSync } from 'node:fs';
import { ExtractionMemo, memoizedTable } from '../eval/extraction-memo.js';
import type { FieldTable } from '../fields.js';
import { Collector, type FieldTables } from './collector.js';
import { CompileCache, compileCollected, type LoadedRule } from './compile-rules.js';
import { LoadContext, RulesText } from './context.js';
import type { AvailablePlugin } from './plugin-requirements.js';
import { readRulesFile } from './reader.js';
import { FileLoadResult, LoadResult } from './result.js';

/** Rules content with the name it is reported under. */
export interface RulesSource {
  name: string;
  content: string;
}

export interface LoadOptions {
  /** Field tables by event source; a rule whose source has none is skipped with LOAD_UNKNOWN_SOURCE. */
  fieldTables: FieldTables;
  /**
   * Larger files are refused (LOAD_ERR_FILE_READ) rather than parsed; default 8 MiB. The largest
   * real rules files are well under 1 MiB, and YAML parsing costs about a second per MiB.
   */
  maxFileBytes?: number;
  /** Loaded plugins, for `required_plugin_versions`; default: Saker's built-ins, any version. */
  plugins?: readonly AvailablePlugin[];
}

/** What loading produced: Falco's result, and the rules of the last compile. */
export interface LoadOutcome {
  result: LoadResult;
  /** Empty when any file has an error: a rule set is used whole or not at all. */
  rules: LoadedRule[];
  /**
   * Per-event memo of the rules' extractors for tables that allow it (`FieldTable.memoize`); bracket
   * each event's evaluation and formatting with `begin(event)` / `end()` to share extracted values.
   */
  memo: ExtractionMemo;
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

function readSource(path: string, limit: number): RulesSource | { name: string; error: string } {
  try {
    const size = statSync(path).size;
    if (size > limit) return { name: path, error: `Rules file is ${size} bytes, larger than the ${limit}-byte limit` };
    return { name: path, content: readFileSync(path, 'utf8') };
  } catch (error) {
    return { name: path, error: `Could not read rules file: ${(error as Error).message}` };
  }
}

/** Loads rules from paths (read from disk) or from named content, in order. */
export function loadRules(inputs: readonly (string | RulesSource)[], options: LoadOptions): LoadOutcome {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const memo = new ExtractionMemo();
  const tables: FieldTables = new Map(
    [...options.fieldTables].map(([source, table]): [string, FieldTable<unknown>] => [source, table.memoize === true ? memoizedTable(table, memo) : table]),
  );
  const collector = new Collector(tables, options.plugins);
  const cache = new CompileCache();
  const files: FileLoadResult[] = [];
  let rules: LoadedRule[] = [];
  for (const input of inputs) {
    const source = typeof input === 'string' ? readSource(input, limit) : input;
    const result = new FileLoadResult(source.name);
    files.push(result);
    if ('error' in source) {
      result.addError('LOAD_ERR_FILE_READ', source.error, LoadContext.root(new RulesText(source.name, '')));
      continue;
    }
    const text = new RulesText(source.name, source.content);
    if (source.content.length > limit) {
      result.addError('LOAD_ERR_FILE_READ', `Rules content is ${source.content.length} characters, larger than the ${limit} limit`, LoadContext.root(text));
      continue;
    }
    if (!readRulesFile(text, collector, result)) continue;
    rules = compileCollected(collector, tables, result, cache) ?? [];
  }
  const loadResult = new LoadResult(files);
  return { result: loadResult, rules: loadResult.successful ? rules : [], memo };
}
