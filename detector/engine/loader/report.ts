/**
 * The human-readable load report: per file `name: Ok`, `name: Ok, with warnings` or `name: Invalid`,
 * then each problem as `file:line:column: error|warning CODE (title): message` (1-based, as editors
 * expect), the item it is in, and the line with a caret under the spot.
 */
import { ERROR_TITLES, WARNING_TITLES } from './codes.js';
import type { FileLoadResult, LoadProblem, LoadResult } from './result.js';

function describeWhere(problem: LoadProblem<string>): string {
  const steps = problem.context.locations
    .filter((l) => l.item_type !== 'rules content')
    .map((l) => (l.item_name === '' ? l.item_type : `${l.item_type} '${l.item_name}'`));
  return steps.length === 0 ? '' : `    in ${steps.join(' > ')}\n`;
}

function formatProblem(kind: 'error' | 'warning', title: string, problem: LoadProblem<string>): string {
  const { line, column } = problem.context.at;
  const snippet = problem.context
    .snippet()
    .split('\n')
    .filter((l, i, all) => i < all.length - 1 || l !== '')
    .map((l) => `    | ${l}\n`)
    .join('');
  return `${problem.context.text.name}:${line}:${column}: ${kind} ${problem.code} (${title}): ${problem.message}\n${describeWhere(problem)}${snippet}`;
}

function fileStatus(file: FileLoadResult): string {
  if (!file.successful) return 'Invalid';
  return file.warnings.length > 0 ? 'Ok, with warnings' : 'Ok';
}

/** The text report for a load result, one block per file. */
export function formatLoadReport(result: LoadResult): string {
  return result.files
    .map((file) => {
      const lines = [`${file.name}: ${fileStatus(file)}\n`];
      for (const e of file.errors) lines.push(formatProblem('error', ERROR_TITLES[e.code], e));
      for (const w of file.warnings) lines.push(formatProblem('warning', WARNING_TITLES[w.code], w));
      return lines.join('');
    })
    .join('\n');
}
