/**
 * Decoded event layouts: what each PPME event id is called, whether it is an enter or exit event, and
 * the names and types of its parameters. Built once from the rows in event-rows.ts.
 */
import { EVENT_ROWS } from './event-rows.js';
import { DYN_TABLES, FLAG_TABLES } from './flag-tables.js';

/** Parameter types, after libscap's PT_* types (lower-cased, without the prefix). */
export type ParamType =
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'charbuf' | 'bytebuf' | 'errno' | 'sockaddr' | 'socktuple' | 'fd' | 'pid' | 'fdlist' | 'fspath'
  | 'syscallid' | 'sigtype' | 'reltime' | 'abstime' | 'port' | 'l4proto' | 'sockfamily' | 'bool'
  | 'ipv4addr' | 'dyn' | 'flags8' | 'flags16' | 'flags32' | 'uid' | 'gid' | 'double' | 'sigset'
  | 'charbufarray' | 'charbuf_pair_array' | 'ipv4net' | 'ipv6addr' | 'ipv6net' | 'ipaddr' | 'ipnet'
  | 'mode' | 'fsrelpath' | 'enumflags8' | 'enumflags16' | 'enumflags32';

/** One parameter of an event layout. */
export interface ParamLayout {
  name: string;
  type: ParamType;
  /** How a number without a symbolic name is printed. */
  format: 'dec' | 'hex' | 'oct';
  /** Symbolic names for flag/enum values, in libsinsp's matching order. */
  flagTable?: readonly (readonly [string, number])[];
  /** For `dyn` parameters: the layout selected by the value's first byte. */
  dynTypes?: readonly ParamLayout[];
  /** For `fsrelpath`: index of the dirfd parameter the path is relative to. */
  dirfdIndex?: number;
}

/** Event flags (EF_*), as bits. */
export const EVENT_FLAGS = {
  CREATES_FD: 1,
  DESTROYS_FD: 2,
  USES_FD: 4,
  READS_FROM_FD: 8,
  WRITES_TO_FD: 16,
  MODIFIES_STATE: 32,
  UNUSED: 64,
  WAITS: 128,
  SKIPPARSERESET: 256,
  OLD_VERSION: 512,
  DROP_SIMPLE_CONS: 1024,
  LARGE_PAYLOAD: 2048,
} as const;

/** The layout of one PPME event id. */
export interface EventLayout {
  id: number;
  name: string;
  dir: '>' | '<';
  flags: number;
  params: readonly ParamLayout[];
  /** Parameter index by name. */
  paramIndex: ReadonlyMap<string, number>;
}

const FORMATS: Readonly<Record<string, ParamLayout['format']>> = { x: 'hex', o: 'oct' };

function parseParam(spec: string): ParamLayout {
  // name:type[:x|:o][/table|~dyn|@n]
  const m = /^([^:]*):([a-z0-9_]+)(?::([xo]))?(?:([/~@])(.+))?$/.exec(spec);
  if (!m) throw new Error(`bad event-row parameter spec ${spec}`);
  const [, name = '', type = '', fmt, sigil, ref = ''] = m;
  const p: ParamLayout = { name, type: type as ParamType, format: (fmt && FORMATS[fmt]) || 'dec' };
  if (sigil === '/') p.flagTable = FLAG_TABLES[ref];
  else if (sigil === '~') p.dynTypes = (DYN_TABLES[ref] ?? []).map(parseParam);
  else if (sigil === '@') p.dirfdIndex = Number(ref);
  else if (type === 'fsrelpath') p.dirfdIndex = 0;
  return p;
}

function buildLayouts(): EventLayout[] {
  return EVENT_ROWS.map(([name, flags, ...params], id) => {
    const decoded = params.map(parseParam);
    return {
      id,
      name,
      dir: id % 2 === 0 ? '>' : '<',
      flags,
      params: decoded,
      paramIndex: new Map(decoded.map((p, i) => [p.name, i])),
    };
  });
}

/** All known layouts, indexed by PPME id. */
export const EVENT_LAYOUTS: readonly EventLayout[] = buildLayouts();

/** The layout for a PPME id, or undefined for ids this build does not know. */
export function layoutOf(id: number): EventLayout | undefined {
  return EVENT_LAYOUTS[id];
}

/** Whether a layout is a usable event (not a placeholder row). */
export function isUsableLayout(layout: EventLayout): boolean {
  return (layout.flags & EVENT_FLAGS.UNUSED) === 0;
}

/**
 * Whether rules see this event. Since Falco 0.42 rules see exit events only (the official rules no
 * longer test `evt.dir`); events that have no exit variant (switch, procexit, container) are seen as is.
 */
export function isRuleEvent(layout: EventLayout): boolean {
  if (layout.dir === '<') return true;
  return EVENT_LAYOUTS[layout.id + 1]?.name !== layout.name;
}
