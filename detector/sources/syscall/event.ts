/**
 * The normalized syscall event every syscall source produces (capture replay now, the live driver
 * later): where and when it happened, which PPME layout it has, and its decoded parameters. The state
 * engine (detector/state) attaches the thread and fd it refers to before rules look at it.
 */
import type { EventLayout } from './layouts.js';
import type { FdInfo, ThreadInfo } from '../../state/index.js';
import type { SyscallContext } from './context.js';

/** A socket address parameter (PT_SOCKADDR). */
export type SockAddr =
  | { family: 'inet' | 'inet6'; ip: string; port: number }
  | { family: 'unix'; path: string }
  | { family: 'other'; code: number };

/** A connection tuple parameter (PT_SOCKTUPLE). */
export type SockTuple =
  | { family: 'inet' | 'inet6'; sip: string; sport: number; dip: string; dport: number }
  | { family: 'unix'; source: bigint; dest: bigint; path: string }
  | { family: 'other'; code: number };

/** A `dyn` parameter: its value together with the layout index its first byte selected. */
export interface DynValue {
  index: number;
  value: ParamValue;
}

/** One fd of a PT_FDLIST (poll): fd number and its poll flags. */
export type FdListEntry = readonly [fd: number, flags: number];

/** A decoded parameter value; `null` when the driver stored an empty parameter. */
export type ParamValue =
  | number
  | bigint
  | string
  | Uint8Array
  | readonly string[]
  | SockAddr
  | SockTuple
  | DynValue
  | readonly FdListEntry[]
  | null;

/** A syscall event, normalized. */
export interface SyscallEvent {
  /** Sequence number within the source, from 1, as `evt.num` (sysdig numbers enter and exit events). */
  num: number;
  /** Nanoseconds since the epoch. */
  ts: bigint;
  cpu: number;
  /** Thread that made the call (host tid). */
  tid: number;
  layout: EventLayout;
  /** `evt.type` as Falco names it: the layout name, or the syscall's name for generic events. */
  type: string;
  dir: '>' | '<';
  /** Parameter values aligned with `layout.params`; old captures may carry fewer. */
  params: ParamValue[];
  /** The stream's shared state (threads, users) this event is resolved against. */
  ctx: SyscallContext;
  /** Set by the state engine: the thread, as it was when the event was processed. */
  thread?: ThreadInfo;
  /** Set by the state engine for events that use or create an fd. */
  fd?: FdInfo;
  fdNum?: number;
  /** For exit events with an old enter/exit layout: the matching enter event. */
  enter?: SyscallEvent;
  /** True when processing this event changed the name of the fd it uses. */
  fdNameChanged?: boolean;
}

/** A parameter's value by name, or undefined when the event has no such parameter. */
export function paramByName(event: SyscallEvent, name: string): ParamValue | undefined {
  const i = event.layout.paramIndex.get(name);
  return i === undefined ? undefined : event.params[i];
}

/** A numeric parameter (int or errno or fd) as a number, or undefined. */
export function numParam(event: SyscallEvent, name: string): number | undefined {
  const v = paramByName(event, name);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** A string parameter, or undefined. */
export function strParam(event: SyscallEvent, name: string): string | undefined {
  const v = paramByName(event, name);
  return typeof v === 'string' ? v : undefined;
}
