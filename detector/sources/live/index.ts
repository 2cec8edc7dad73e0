/** The live syscall driver: eBPF tracepoints through bpftrace, reassembled into records. */
export { BpftraceDriver } from './bpftrace.js';
export type { BpftraceDriverOptions } from './bpftrace.js';
export { livePreflight } from './preflight.js';
export type { PreflightProblem } from './preflight.js';
export { SYSCALL_PROBES, STATE_SYSCALLS, PROBES_BY_NAME } from './probes.js';
export type { SyscallProbe, ProbeArg, ArgKind } from './probes.js';
export { bpftraceProgram } from './program.js';
export { LineAssembler, decodeArgs } from './lines.js';
export type { LineStats } from './lines.js';
export type { LiveRecord, LiveSyscall, LiveFork, LiveExit, LiveSockAddr } from './records.js';
export { LiveEventAdapter, LiveAdapterError, hostQueries } from './adapter.js';
export type { LiveEventAdapterOptions } from './adapter.js';
export { MonotonicClock } from './clock.js';
export { ProcHostFacts } from './host-facts.js';
export type { HostFacts, ProcDetails } from './host-facts.js';
export { PrefetchingHostFacts } from './host-prefetch.js';
export { WorkerProcFiles } from './proc-files.js';
export type { PrefetchOptions } from './host-prefetch.js';
