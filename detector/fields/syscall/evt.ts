/** `evt.*` and `syscall.type`: the event itself — number, time, type, direction, arguments, result. */
import type { Extractor } from '../../engine/fields.js';
import {
  EVENT_FLAGS,
  errnoName,
  paramByName,
  renderArgs,
  renderParam,
  type SyscallEvent,
} from '../../sources/syscall/index.js';
import { defineFields, parseIndex, type FieldDef } from './define.js';

// Events that are not system calls: `syscall.type` is unset for them.
const NON_SYSCALL = new Set([
  'switch', 'procexit', 'signaldeliver', 'page_fault', 'container', 'notification', 'infra', 'drop',
  'pluginevent', 'procinfo', 'sysdigevent', 'cpu_hotplug', 'tracer', 'k8s', 'mesos', 'scapevent',
  'asyncevent', 'NA1', 'NA2', 'NA3', 'NA4', 'NA5',
]);

// Falco's open-family exits whose flags say how a file was opened.
const OPEN_EVENTS = new Set(['open', 'openat', 'openat2', 'open_by_handle_at', 'creat']);
// PPM open flag bits (driver encoding).
const PPM_O_RDONLY = 1;
const PPM_O_WRONLY = 2;
const PPM_O_CREAT = 4;
const PPM_O_TMPFILE = 8192;
const PPM_O_F_CREATED = 1 << 28;
// PPM mode bits for execute permission (S_IXUSR|S_IXGRP|S_IXOTH).
const PPM_S_IX = 0o100 | 0o010 | 0o001;
const RES_TYPES = new Set(['errno', 'pid']);
const RES_NAMES = new Set(['res', 'fd']);

/** The syscall's return value: the first parameter of an exit event when it is the result. */
export function returnValue(e: SyscallEvent): number | undefined {
  if (e.dir !== '<') return undefined;
  const first = e.layout.params[0];
  if (first === undefined || !(RES_TYPES.has(first.type) || RES_NAMES.has(first.name))) return undefined;
  const v = e.params[0];
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function openFlags(e: SyscallEvent): number | undefined {
  if (e.dir !== '<' || !OPEN_EVENTS.has(e.type)) return undefined;
  const own = paramByName(e, 'flags');
  if (typeof own === 'number') return own;
  const fromEnter = e.enter ? paramByName(e.enter, 'flags') : undefined;
  return typeof fromEnter === 'number' ? fromEnter : undefined;
}

function openMode(e: SyscallEvent): number | undefined {
  const own = paramByName(e, 'mode');
  if (typeof own === 'number') return own;
  const fromEnter = e.enter ? paramByName(e.enter, 'mode') : undefined;
  return typeof fromEnter === 'number' ? fromEnter : undefined;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const NS = 1_000_000_000n;

function localParts(ts: bigint): { d: Date; ns: string } {
  return { d: new Date(Number(ts / 1_000_000n)), ns: pad(Number(ts % NS), 9) };
}

function hms(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function ymd(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Falco reports every text time field in output_fields as the event time in integer nanoseconds. */
const eventNanos = (e: SyscallEvent): bigint => e.ts;

function latency(e: SyscallEvent): bigint | undefined {
  if (e.dir === '>') return 0n;
  return e.enter ? e.ts - e.enter.ts : 0n;
}

function bindArg(raw: boolean) {
  return (arg: string | undefined): Extractor<SyscallEvent> => {
    if (arg === undefined || arg === '') throw new Error(`evt.${raw ? 'rawarg' : 'arg'} needs an argument name or index`);
    const byIndex = /^\d+$/.test(arg) ? parseIndex('evt.arg', arg) : undefined;
    return (e) => {
      // Old captures split a call's parameters between enter and exit; modern libs merge them into the
      // exit event, so a name the exit lacks is read from its enter event.
      if (byIndex === undefined && !e.layout.paramIndex.has(arg) && e.enter?.layout.paramIndex.has(arg)) e = e.enter;
      const i = byIndex ?? e.layout.paramIndex.get(arg);
      if (i === undefined || i >= e.params.length) return undefined;
      if (raw) {
        const v = e.params[i];
        return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' ? v : undefined;
      }
      const r = renderParam(e, i);
      if (r === undefined) return undefined;
      return r.resolved !== undefined && r.resolved !== '' ? r.resolved : r.value;
    };
  };
}

const DEFS: FieldDef[] = [
  { name: 'evt.num', type: 'uint', desc: 'event number', get: (e) => e.num },
  {
    name: 'evt.time',
    type: 'string',
    json: eventNanos,
    desc: 'event timestamp, local time, HH:MM:SS.nnnnnnnnn',
    get: (e) => {
      const { d, ns } = localParts(e.ts);
      return `${hms(d)}.${ns}`;
    },
  },
  { name: 'evt.time.s', type: 'string', json: eventNanos, desc: 'event timestamp, HH:MM:SS', get: (e) => hms(localParts(e.ts).d) },
  {
    name: 'evt.time.iso8601',
    type: 'string',
    json: eventNanos,
    desc: 'event timestamp in ISO 8601 (UTC) with nanoseconds',
    get: (e) => `${new Date(Number(e.ts / 1_000_000n)).toISOString().slice(0, 19)}.${pad(Number(e.ts % NS), 9)}Z`,
  },
  {
    name: 'evt.datetime',
    type: 'string',
    json: eventNanos,
    desc: 'event timestamp, local date and time',
    get: (e) => {
      const { d, ns } = localParts(e.ts);
      return `${ymd(d)} ${hms(d)}.${ns}`;
    },
  },
  {
    name: 'evt.datetime.s',
    type: 'string',
    json: eventNanos,
    desc: 'event timestamp, local date and time to the second',
    get: (e) => {
      const { d } = localParts(e.ts);
      return `${ymd(d)} ${hms(d)}`;
    },
  },
  { name: 'evt.rawtime', type: 'abstime', desc: 'event time, ns since the epoch', get: (e) => e.ts },
  { name: 'evt.rawtime.s', type: 'uint', desc: 'seconds part of evt.rawtime', get: (e) => e.ts / NS },
  { name: 'evt.rawtime.ns', type: 'uint', desc: 'nanoseconds part of evt.rawtime', get: (e) => e.ts % NS },
  {
    name: 'evt.reltime',
    type: 'reltime',
    desc: 'ns since the first event of the stream',
    get: (e) => (e.ctx.firstTs === undefined ? undefined : e.ts - e.ctx.firstTs),
  },
  { name: 'evt.latency', type: 'reltime', desc: 'ns between enter and exit of the call', get: latency },
  { name: 'evt.latency.s', type: 'uint', desc: 'seconds part of evt.latency', get: (e) => (latency(e) ?? 0n) / NS },
  { name: 'evt.latency.ns', type: 'uint', desc: 'nanoseconds part of evt.latency', get: (e) => (latency(e) ?? 0n) % NS },
  { name: 'evt.dir', type: 'string', desc: "'>' for enter events, '<' for exit events", get: (e) => e.dir },
  { name: 'evt.type', type: 'string', desc: 'event type name (open, execve, ...)', get: (e) => e.type },
  {
    name: 'syscall.type',
    type: 'string',
    desc: 'system call name; unset for events that are not system calls',
    get: (e) => (NON_SYSCALL.has(e.type) ? undefined : e.type),
  },
  { name: 'evt.cpu', type: 'int', desc: 'CPU the event happened on', get: (e) => e.cpu },
  { name: 'evt.args', type: 'string', desc: 'all arguments as name=value text', get: (e) => renderArgs(e) },
  {
    name: 'evt.arg',
    type: 'string',
    desc: 'one argument by name (evt.arg.fd, evt.arg[fd]) or index (evt.arg[0]), as text',
    arg: { kind: 'dotted-key', required: true },
    bind: bindArg(false),
  },
  {
    name: 'evt.rawarg',
    type: 'int',
    desc: 'one argument by name, unformatted',
    arg: { kind: 'dotted-key', required: true },
    bind: bindArg(true),
  },
  {
    name: 'evt.buffer',
    type: 'bytes',
    desc: 'the data buffer of I/O events',
    get: (e) => {
      const v = paramByName(e, 'data');
      return v instanceof Uint8Array ? v : undefined;
    },
  },
  {
    name: 'evt.buflen',
    type: 'uint',
    desc: 'length of the I/O buffer',
    get: (e) => {
      if ((e.layout.flags & (EVENT_FLAGS.READS_FROM_FD | EVENT_FLAGS.WRITES_TO_FD)) === 0) return undefined;
      const r = returnValue(e);
      return r !== undefined && r >= 0 ? r : undefined;
    },
  },
  {
    name: 'evt.res',
    type: 'string',
    desc: "'SUCCESS' or the error code name (ENOENT) of an exit event",
    get: (e) => {
      const r = returnValue(e);
      if (r === undefined) return undefined;
      return r >= 0 ? 'SUCCESS' : (errnoName(-r) ?? String(r));
    },
  },
  { name: 'evt.rawres', type: 'int', desc: 'the return value of an exit event', get: returnValue },
  {
    name: 'evt.failed',
    type: 'bool',
    desc: 'true for exit events that returned an error',
    get: (e) => (returnValue(e) ?? 0) < 0,
  },
  {
    name: 'evt.is_io',
    type: 'bool',
    desc: 'true for events that read or write fd data',
    get: (e) => (e.layout.flags & (EVENT_FLAGS.READS_FROM_FD | EVENT_FLAGS.WRITES_TO_FD)) !== 0,
  },
  { name: 'evt.is_io_read', type: 'bool', desc: 'true for reads', get: (e) => (e.layout.flags & EVENT_FLAGS.READS_FROM_FD) !== 0 },
  { name: 'evt.is_io_write', type: 'bool', desc: 'true for writes', get: (e) => (e.layout.flags & EVENT_FLAGS.WRITES_TO_FD) !== 0 },
  {
    name: 'evt.io_dir',
    type: 'string',
    desc: "'r' or 'w' for I/O events",
    get: (e) =>
      (e.layout.flags & EVENT_FLAGS.READS_FROM_FD) !== 0 ? 'r' : (e.layout.flags & EVENT_FLAGS.WRITES_TO_FD) !== 0 ? 'w' : undefined,
  },
  { name: 'evt.is_wait', type: 'bool', desc: 'true for events that wait', get: (e) => (e.layout.flags & EVENT_FLAGS.WAITS) !== 0 },
  {
    name: 'evt.is_open_read',
    type: 'bool',
    desc: 'true for open-family exits that opened for reading',
    get: (e) => {
      const f = openFlags(e);
      return f === undefined ? false : (f & PPM_O_RDONLY) !== 0;
    },
  },
  {
    name: 'evt.is_open_write',
    type: 'bool',
    desc: 'true for open-family exits that opened for writing',
    get: (e) => {
      const f = openFlags(e);
      return f === undefined ? false : (f & PPM_O_WRONLY) !== 0;
    },
  },
  {
    name: 'evt.is_open_exec',
    type: 'bool',
    desc: 'true for open-family exits that created a file with execute permission',
    get: (e) => {
      const f = openFlags(e);
      if (f === undefined || (f & (PPM_O_CREAT | PPM_O_TMPFILE)) === 0) return false;
      return ((openMode(e) ?? 0) & PPM_S_IX) !== 0;
    },
  },
  {
    name: 'evt.is_open_create',
    type: 'bool',
    desc: 'true for open-family exits that created the file',
    get: (e) => {
      const f = openFlags(e);
      return f === undefined ? false : (f & PPM_O_F_CREATED) !== 0;
    },
  },
  { name: 'evt.hostname', type: 'string', desc: 'host the event comes from', get: (e) => e.ctx.hostname },
  { name: 'evt.source', type: 'string', desc: "the event source, 'syscall'", get: () => 'syscall' },
  { name: 'evt.is_async', type: 'bool', desc: 'true for events not generated by a thread', get: () => false },
  { name: 'evt.count', type: 'uint', desc: '1 for every event', get: () => 1 },
];

export const EVT_FIELDS = defineFields(DEFS);
