/** The syscall event model: layouts by PPME id, the normalized event, parameter rendering, context. */
export type { ParamType, ParamLayout, EventLayout } from './layouts.js';
export { EVENT_LAYOUTS, EVENT_FLAGS, layoutOf, isUsableLayout, isRuleEvent } from './layouts.js';
export type { SyscallEvent, ParamValue, SockAddr, SockTuple, DynValue, FdListEntry } from './event.js';
export { paramByName, numParam, strParam } from './event.js';
export type { SyscallContext } from './context.js';
export { createContext } from './context.js';
export type { RenderedParam } from './render.js';
export { renderParam, renderArgs, renderFlags, printableBytes } from './render.js';
export { SYSCALL_NAMES } from './syscall-names.js';
export { ERRNO_NAMES, SIGNAL_NAMES, errnoName } from './names.js';
export { FLAG_TABLES } from './flag-tables.js';
export { StateParser, withSlash } from './parser.js';
export { applyContainerEvent } from './container-event.js';
