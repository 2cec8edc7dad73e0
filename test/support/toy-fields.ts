/**
 * A small synthetic field table for engine tests. Events are plain objects keyed by field name, so a
 * test writes the values it needs and nothing else:
 *
 *   toyEvent({ 'evt.type': 'openat', 'fd.name': '/etc/shadow', 'proc.aname': ['cat', 'bash', 'sshd'] })
 *
 * A key that is absent means the field has no value (the extractor returns undefined). Argument fields
 * store their values by argument: an array for index fields (`proc.aname[2]` reads `['proc.aname'][2]`)
 * and a record for key fields (`proc.env[HOME]` reads `['proc.env'].HOME`, `evt.arg.flags` reads
 * `['evt.arg'].flags`). Multi-valued fields (`fd.ip`, `fd.port`, `fd.net`) hold an array of values.
 *
 * The field names, types and argument kinds mirror libsinsp's where a real field exists; the few
 * `toy.*` fields exist only to cover a type no common field has.
 */
import type { Extractor, FieldArgSpec, FieldSpec, FieldTable, FieldType, FieldValue } from '../../detector/engine/fields.js';

/** Whatever a toy event may hold under a field name. */
export type ToyValue = FieldValue | readonly (string | number)[] | Readonly<Record<string, string | number>>;

/** A toy event: field name → value. */
export type ToyEvent = Readonly<Record<string, ToyValue | undefined>>;

/** Builds a toy event (identity, for readability and type checking in tests). */
export function toyEvent(values: Record<string, ToyValue | undefined>): ToyEvent {
  return values;
}

const NONE: FieldArgSpec = { kind: 'none' };

interface ToyFieldDef {
  name: string;
  type: FieldType;
  list?: boolean;
  multiValue?: 'any' | 'any-eq-all-ne';
  arg?: FieldArgSpec;
}

/** The toy fields, in the order the table lists them. */
export const TOY_FIELD_DEFS: readonly ToyFieldDef[] = [
  // evt.*
  { name: 'evt.type', type: 'string' },
  { name: 'evt.num', type: 'uint' },
  { name: 'evt.dir', type: 'string' },
  { name: 'evt.res', type: 'string' },
  { name: 'evt.rawres', type: 'int' },
  { name: 'evt.time', type: 'abstime' },
  { name: 'evt.rawtime', type: 'abstime' },
  { name: 'evt.is_open_read', type: 'bool' },
  { name: 'evt.buffer', type: 'bytes' },
  { name: 'evt.args', type: 'string' },
  // evt.arg.NAME / evt.arg[NAME] / evt.arg[0]: the argument's text; evt.rawarg.NAME: its number.
  { name: 'evt.arg', type: 'string', arg: { kind: 'dotted-key', required: true } },
  { name: 'evt.rawarg', type: 'int', arg: { kind: 'dotted-key', required: true } },
  // proc.*
  { name: 'proc.name', type: 'string' },
  { name: 'proc.pname', type: 'string' },
  { name: 'proc.exe', type: 'string' },
  { name: 'proc.exepath', type: 'fspath' },
  { name: 'proc.pexepath', type: 'fspath' },
  { name: 'proc.cmdline', type: 'string' },
  { name: 'proc.pcmdline', type: 'string' },
  { name: 'proc.args', type: 'string' },
  { name: 'proc.cwd', type: 'fspath' },
  { name: 'proc.pid', type: 'int' },
  { name: 'proc.ppid', type: 'int' },
  { name: 'proc.vpid', type: 'int' },
  { name: 'proc.tty', type: 'uint' },
  { name: 'proc.duration', type: 'reltime' },
  { name: 'proc.is_exe_upper_layer', type: 'bool' },
  // Without an index: every ancestor from the parent up, any of which may match (as in libsinsp).
  { name: 'proc.aname', type: 'string', multiValue: 'any', arg: { kind: 'index', required: false } },
  // Without an index: the process itself (index 0).
  { name: 'proc.apid', type: 'int', arg: { kind: 'index', required: false } },
  { name: 'proc.env', type: 'string', arg: { kind: 'key', required: false } },
  // user.*
  { name: 'user.uid', type: 'uint' },
  { name: 'user.name', type: 'string' },
  { name: 'user.loginuid', type: 'int' },
  // fd.*
  { name: 'fd.num', type: 'int' },
  { name: 'fd.type', type: 'string' },
  { name: 'fd.typechar', type: 'string' },
  { name: 'fd.name', type: 'fspath' },
  { name: 'fd.directory', type: 'fspath' },
  { name: 'fd.filename', type: 'string' },
  { name: 'fd.sip', type: 'ipaddr' },
  { name: 'fd.cip', type: 'ipaddr' },
  { name: 'fd.rip', type: 'ipaddr' },
  { name: 'fd.snet', type: 'ipnet' },
  // Client or server: `=` holds when either does, `!=` when neither is equal (libsinsp's fd.ip).
  { name: 'fd.ip', type: 'ipaddr', multiValue: 'any-eq-all-ne' },
  { name: 'fd.net', type: 'ipnet', multiValue: 'any-eq-all-ne' },
  { name: 'fd.port', type: 'uint', multiValue: 'any-eq-all-ne' },
  { name: 'fd.cnet', type: 'ipnet' },
  { name: 'fd.sport', type: 'uint' },
  { name: 'fd.l4proto', type: 'string' },
  // container.* / k8s.*
  { name: 'container.id', type: 'string' },
  { name: 'container.name', type: 'string' },
  { name: 'container.image.repository', type: 'string' },
  { name: 'container.privileged', type: 'bool' },
  { name: 'k8s.ns.name', type: 'string' },
  // k8s audit style list fields.
  { name: 'ka.req.pod.containers.image', type: 'string', list: true },
  { name: 'ka.req.pod.containers.host_port', type: 'uint', list: true },
  // Types no common field has.
  { name: 'toy.ratio', type: 'double' },
];

function isIndexable(value: ToyValue | undefined): value is readonly (string | number)[] {
  return Array.isArray(value);
}

function isRecord(value: ToyValue | undefined): value is Readonly<Record<string, string | number>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function plainExtractor(name: string): Extractor<ToyEvent> {
  return (event) => {
    const value = event[name];
    if (value === undefined || isRecord(value)) return undefined;
    return value as FieldValue;
  };
}

function indexExtractor(name: string, arg: string | undefined, multiValue: boolean): Extractor<ToyEvent> {
  if (arg === undefined && multiValue) {
    return (event) => {
      const values = event[name];
      return isIndexable(values) ? (values.slice(1) as readonly string[]) : undefined;
    };
  }
  const index = arg === undefined ? 0 : Number(arg);
  if (!Number.isInteger(index) || index < 0 || !/^\d+$/.test(arg ?? '0')) throw new Error(`expected a non-negative index, got '${arg}'`);
  return (event) => {
    const values = event[name];
    return isIndexable(values) ? values[index] : undefined;
  };
}

function keyExtractor(name: string, arg: string | undefined, required: boolean): Extractor<ToyEvent> {
  if (arg === undefined) {
    if (required) throw new Error('this field needs an argument');
    // proc.env without a key: every variable, as one `K=V K=V` string.
    return (event) => {
      const values = event[name];
      return isRecord(values) ? Object.entries(values).map(([k, v]) => `${k}=${v}`).join(' ') : undefined;
    };
  }
  if (arg === '') throw new Error('empty argument');
  return (event) => {
    const values = event[name];
    return isRecord(values) ? values[arg] : undefined;
  };
}

function toySpec(def: ToyFieldDef): FieldSpec<ToyEvent> {
  const arg = def.arg ?? NONE;
  const spec: FieldSpec<ToyEvent> = {
    name: def.name,
    type: def.type,
    arg,
    description: `toy field ${def.name}`,
    bind: (value) => {
      switch (arg.kind) {
        case 'none':
          if (value !== undefined) throw new Error(`${def.name} takes no argument`);
          return plainExtractor(def.name);
        case 'index':
          return indexExtractor(def.name, value, def.multiValue !== undefined);
        case 'key':
        case 'dotted-key':
          return keyExtractor(def.name, value, arg.required);
      }
    },
  };
  if (def.list) spec.list = true;
  if (def.multiValue) spec.multiValue = def.multiValue;
  return spec;
}

/** Event types the toy source can produce (a small syscall-like set). */
export const TOY_EVENT_TYPES: readonly string[] = [
  'open',
  'openat',
  'openat2',
  'creat',
  'execve',
  'execveat',
  'connect',
  'accept',
  'accept4',
  'listen',
  'read',
  'write',
  'close',
  'rename',
  'renameat',
  'renameat2',
  'unlink',
  'unlinkat',
  'mkdir',
  'mkdirat',
  'chmod',
  'fchmod',
  'fchmodat',
  'setuid',
  'ptrace',
  'sendto',
  'recvfrom',
  'container',
];

/** Builds a toy table; `eventTypes` may be overridden (e.g. empty, like a plugin source). */
export function makeToyTable(options: { source?: string; eventTypes?: readonly string[] } = {}): FieldTable<ToyEvent> {
  return {
    source: options.source ?? 'syscall',
    fields: new Map(TOY_FIELD_DEFS.map((def) => [def.name, toySpec(def)] as const)),
    eventTypeOf: (event) => {
      const type = event['evt.type'];
      return typeof type === 'string' ? type : undefined;
    },
    timeOf: (event) => {
      const time = event['evt.rawtime'];
      return typeof time === 'bigint' ? time : 0n;
    },
    eventTypes: new Set(options.eventTypes ?? TOY_EVENT_TYPES),
  };
}

/** The default toy table (source `syscall`). */
export const toyFields: FieldTable<ToyEvent> = makeToyTable();
