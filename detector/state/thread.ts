/**
 * What the state engine knows about one thread: identity, lineage, executable and command line,
 * credentials, container and open fds. Mirrors the subset of libsinsp's thread info the syscall
 * fields read; fields the source could not learn stay undefined so extraction yields `<NA>`.
 */
import type { FdTable } from './fd.js';

/** One thread (a process is its main thread, tid === pid). */
export interface ThreadInfo {
  tid: number;
  pid: number;
  /** Parent thread id; the parent process is looked up by it. */
  ptid: number;
  sid?: number;
  vpgid?: number;
  vtid?: number;
  vpid?: number;
  /** `proc.name`: the kernel's comm (at most 15 characters). */
  comm: string;
  /** `proc.exe`: argv[0] as the process was started. */
  exe: string;
  /** `proc.exepath`: the executable's full path, when known. */
  exepath: string;
  /** argv[1..]. */
  args: string[];
  cwd: string;
  /** `NAME=value` entries. */
  env: string[];
  /** `[subsystem, path]` pairs. */
  cgroups: [string, string][];
  /** 12-hex-digit container id or "host". */
  containerId: string;
  uid?: number;
  gid?: number;
  /** Audit login uid; undefined when unknown, 4294967295 (unset) is kept as the kernel reports it. */
  loginuid?: number;
  tty?: number;
  capInheritable?: bigint;
  capPermitted?: bigint;
  capEffective?: bigint;
  /** Start time (clone time) in ns since the epoch, when known. */
  cloneTs?: bigint;
  pidnsInitStartTs?: bigint;
  fdlimit?: bigint;
  exeWritable?: boolean;
  exeUpperLayer?: boolean;
  exeFromMemfd?: boolean;
  exeIno?: bigint;
  exeInoCtime?: bigint;
  exeInoMtime?: bigint;
  /** Open fds; threads of one process share the same table object. */
  fds: FdTable;
  /** True once a procexit was seen; the entry is dropped before the next event is processed. */
  exited?: boolean;
  /**
   * True for a thread known only by its tid (events seen, no process info): fds are tracked for it,
   * but its process fields are unknown.
   */
  incomplete?: boolean;
}

/** A thread with every optional field unknown, for tids seen in events before any table entry. */
export function blankThread(tid: number, pid = tid): ThreadInfo {
  return {
    tid,
    pid,
    ptid: -1,
    comm: '',
    exe: '',
    exepath: '',
    args: [],
    cwd: '',
    env: [],
    cgroups: [],
    containerId: 'host',
    fds: new Map(),
  };
}
