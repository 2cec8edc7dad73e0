/**
 * The syscall field table: every field Falco's syscall rules use, with libsinsp's names, types and
 * argument rules, extracting from the normalized SyscallEvent and the state it points at.
 */
import type { FieldSpec, FieldTable } from '../../engine/fields.js';
import type { SyscallEvent } from '../../sources/syscall/index.js';
import { EVT_FIELDS } from './evt.js';
import { PROC_FIELDS } from './proc.js';
import { FD_FIELDS } from './fd.js';
import { USER_FIELDS } from './user.js';
import { CONTAINER_FIELDS } from './container.js';
import { SYSCALL_EVENT_TYPES } from './event-types.js';

function table(groups: readonly (readonly FieldSpec<SyscallEvent>[])[]): Map<string, FieldSpec<SyscallEvent>> {
  const out = new Map<string, FieldSpec<SyscallEvent>>();
  for (const g of groups) {
    for (const f of g) {
      if (out.has(f.name)) throw new Error(`duplicate syscall field ${f.name}`);
      out.set(f.name, f);
    }
  }
  return out;
}

/** The `syscall` source's fields. */
export const SYSCALL_FIELDS: FieldTable<SyscallEvent> = {
  source: 'syscall',
  fields: table([EVT_FIELDS, PROC_FIELDS, FD_FIELDS, USER_FIELDS, CONTAINER_FIELDS]),
  eventTypeOf: (e) => e.type,
  timeOf: (e) => e.ts,
  eventTypes: SYSCALL_EVENT_TYPES,
};

export { SYSCALL_EVENT_TYPES } from './event-types.js';
export { capsToString, cmdline } from './proc.js';
export { returnValue } from './evt.js';
