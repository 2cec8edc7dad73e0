import { loadRules, type LoadOutcome, type LoadProblemJson, type RulesSource } from '../../../../detector/engine/loader/index.js';
import { makeToyTable } from '../../../support/toy-fields.js';
import type { FieldTable } from '../../../../detector/engine/fields.js';

/** The field tables the loader tests use: the toy syscall table, and a toy `k8s_audit` without event types. */
export const TABLES: ReadonlyMap<string, FieldTable<unknown>> = new Map<string, FieldTable<unknown>>([
  ['syscall', makeToyTable() as FieldTable<unknown>],
  ['k8s_audit', makeToyTable({ source: 'k8s_audit', eventTypes: [] }) as FieldTable<unknown>],
]);

/** Loads YAML texts named rules1.yaml, rules2.yaml, … in order. */
export function load(...contents: string[]): LoadOutcome {
  const sources: RulesSource[] = contents.map((content, i) => ({ name: `rules${i + 1}.yaml`, content }));
  return loadRules(sources, { fieldTables: TABLES });
}

/** The JSON entry of file `index` (0-based). */
export function fileJson(outcome: LoadOutcome, index = 0) {
  const file = outcome.result.toJSON().falco_load_results[index];
  if (!file) throw new Error(`no result for file ${index}`);
  return file;
}

export function codes(problems: readonly LoadProblemJson[]): string[] {
  return problems.map((p) => p.code);
}

/** Error codes and warning codes of the last file. */
export function summary(outcome: LoadOutcome): { errors: string[]; warnings: string[] } {
  const files = outcome.result.toJSON().falco_load_results;
  const last = files[files.length - 1];
  if (!last) throw new Error('no files');
  return { errors: codes(last.errors), warnings: codes(last.warnings) };
}

/** A YAML rule item with sensible defaults. */
export function rule(name: string, condition: string, extra = ''): string {
  return `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: out %proc.name\n  priority: WARNING\n${extra}`;
}
