/**
 * What the live driver captures for each syscall: the tracepoint arguments to keep from the enter
 * probe, by Falco's parameter name, and how to read each one. The bpftrace program is generated from
 * this table, so supporting another syscall is one row.
 */

/**
 * How an argument is read: a 32-bit signed number (`int`), a 32-bit unsigned one (`uint`: modes, ids,
 * unsigned fds), a 64-bit signed one (`long`), a user-space string, or a user-space socket address.
 */
export type ArgKind = 'int' | 'uint' | 'long' | 'str' | 'sockaddr';

/** Kinds printed as numbers on the header line. */
export const NUMERIC_KINDS: ReadonlySet<ArgKind> = new Set(['int', 'uint', 'long']);

export interface ProbeArg {
  /** Falco's parameter name (`evt.arg.<name>`). */
  name: string;
  /** The tracepoint field (see /sys/kernel/tracing/events/syscalls/sys_enter_<name>/format). */
  field: string;
  kind: ArgKind;
  /** A bpftrace expression to read instead of `args-><field>`: a member of a struct the field points to. */
  read?: string;
}

export interface SyscallProbe {
  /** Falco's event type name, which is also the tracepoint's syscall name. */
  name: string;
  args: readonly ProbeArg[];
  /** Read the new program's arguments from its memory on exit (execve and execveat). */
  execArgs?: boolean;
  /** The peer address the kernel wrote into this argument on exit (accept's `upeer_sockaddr`). */
  exitSockaddr?: string;
}

const int = (name: string, field = name): ProbeArg => ({ name, field, kind: 'int' });
const uint = (name: string, field = name): ProbeArg => ({ name, field, kind: 'uint' });
const long = (name: string, field = name): ProbeArg => ({ name, field, kind: 'long' });
const str = (name: string, field = name): ProbeArg => ({ name, field, kind: 'str' });
/** A member of openat2's `struct open_how`, read from the caller's memory on enter. */
const openHow = (name: string, kind: ArgKind = 'long'): ProbeArg => ({ name, field: 'how', kind, read: `((struct open_how *)uptr(args->how))->${name}` });

export const SYSCALL_PROBES: readonly SyscallProbe[] = [
  { name: 'execve', args: [str('filename')], execArgs: true },
  { name: 'execveat', args: [int('dirfd', 'fd'), str('pathname', 'filename'), int('flags')], execArgs: true },
  { name: 'open', args: [str('name', 'filename'), int('flags'), uint('mode')] },
  { name: 'openat', args: [int('dirfd', 'dfd'), str('name', 'filename'), int('flags'), uint('mode')] },
  { name: 'openat2', args: [int('dirfd', 'dfd'), str('name', 'filename'), openHow('flags'), openHow('mode', 'uint'), openHow('resolve')] },
  { name: 'connect', args: [int('fd'), { name: 'addr', field: 'uservaddr', kind: 'sockaddr' }] },
  { name: 'accept', args: [int('fd')], exitSockaddr: 'upeer_sockaddr' },
  { name: 'accept4', args: [int('fd'), int('flags')], exitSockaddr: 'upeer_sockaddr' },
  { name: 'socket', args: [int('domain', 'family'), int('type'), int('proto', 'protocol')] },
  { name: 'unlink', args: [str('path', 'pathname')] },
  { name: 'unlinkat', args: [int('dirfd', 'dfd'), str('name', 'pathname'), int('flags', 'flag')] },
  { name: 'rename', args: [str('oldpath', 'oldname'), str('newpath', 'newname')] },
  { name: 'renameat2', args: [int('olddirfd', 'olddfd'), str('oldpath', 'oldname'), int('newdirfd', 'newdfd'), str('newpath', 'newname'), int('flags')] },
  { name: 'chmod', args: [str('filename'), uint('mode')] },
  { name: 'fchmod', args: [uint('fd'), uint('mode')] },
  { name: 'fchmodat', args: [int('dirfd', 'dfd'), str('filename'), uint('mode')] },
  { name: 'setuid', args: [uint('uid')] },
  { name: 'setgid', args: [uint('gid')] },
  { name: 'setreuid', args: [uint('ruid'), uint('euid')] },
  { name: 'setresuid', args: [uint('ruid'), uint('euid'), uint('suid')] },
  { name: 'setregid', args: [uint('rgid'), uint('egid')] },
  { name: 'setresgid', args: [uint('rgid'), uint('egid'), uint('sgid')] },
  { name: 'ptrace', args: [long('request'), long('pid')] },
  { name: 'mount', args: [str('dev', 'dev_name'), str('dir', 'dir_name'), str('type'), long('flags')] },
  { name: 'dup', args: [uint('fd', 'fildes')] },
  { name: 'dup2', args: [uint('oldfd'), uint('newfd')] },
  { name: 'dup3', args: [uint('oldfd'), uint('newfd'), int('flags')] },
  { name: 'close', args: [uint('fd')] },
  { name: 'symlinkat', args: [str('target', 'oldname'), int('linkdirfd', 'newdfd'), str('linkpath', 'newname')] },
  { name: 'linkat', args: [int('olddir', 'olddfd'), str('oldpath', 'oldname'), int('newdir', 'newdfd'), str('newpath', 'newname'), int('flags')] },
  { name: 'mkdirat', args: [int('dirfd', 'dfd'), str('path', 'pathname'), uint('mode')] },
];

export const PROBES_BY_NAME: ReadonlyMap<string, SyscallProbe> = new Map(SYSCALL_PROBES.map((probe) => [probe.name, probe]));

/**
 * Syscalls the state tables need whatever the rules ask for: process start (exec), fd creation and
 * removal (open, socket, connect, accept, dup, close), and credential changes (user.* and group.*
 * follow the effective ids, as libsinsp's do).
 */
export const STATE_SYSCALLS: readonly string[] = [
  'execve', 'execveat', 'open', 'openat', 'openat2', 'socket', 'connect', 'accept', 'accept4', 'dup', 'dup2', 'dup3', 'close',
  'setuid', 'setgid', 'setreuid', 'setresuid', 'setregid', 'setresgid',
];
