import type { FieldTable } from '../fields.js';

/**
 * Whether a field name as written in an exception (`proc.name`, `proc.aname[2]`, `evt.arg.flags`)
 * exists in a source's table: the name itself, or a dotted prefix that takes a dotted argument.
 */
export function isFieldDefined(table: FieldTable<unknown>, written: string): boolean {
  const name = written.replace(/\[.*\]$/s, '');
  if (table.fields.has(name)) return true;
  for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
    const spec = table.fields.get(name.slice(0, dot));
    if (spec?.arg.kind === 'dotted-key') return true;
  }
  return false;
}
