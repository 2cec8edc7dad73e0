/** A socket address as the live driver reports it. */
export type LiveSockAddr =
  | { family: 'inet' | 'inet6'; ip: string; port: number }
  | { family: 'unix'; path: string }
  | { family: 'other'; code: number };

/**
 * A syscall exit, with the arguments its enter probe kept. Exec calls also describe the new process
 * (ppid, credentials, login uid, comm); other calls do not repeat what the thread table knows.
 */
export interface LiveSyscall {
  kind: 'syscall';
  syscall: string;
  tid: number;
  pid: number;
  ppid?: number;
  uid?: number;
  gid?: number;
  /** The audit login uid; 4294967295 (-1) when unset, as the kernel reports it. */
  loginuid?: number;
  ret: number;
  /** Kernel monotonic time of the exit, in nanoseconds. */
  ktime: bigint;
  comm?: string;
  /** Arguments by their index in the probe's argument list. */
  args: Map<number, number | string | LiveSockAddr>;
  /** For a successful exec: the new program's resolved path and its arguments. */
  exec?: { path: string; argv: string[] };
}

/** A process or thread was created. */
export interface LiveFork {
  kind: 'fork';
  parentTid: number;
  childTid: number;
  ktime: bigint;
  comm: string;
  /** Whether the child is a thread of its parent's process (CLONE_THREAD); absent when not known. */
  thread?: boolean;
}

/** A thread exited. */
export interface LiveExit {
  kind: 'exit';
  tid: number;
  pid: number;
  ktime: bigint;
}

export type LiveRecord = LiveSyscall | LiveFork | LiveExit;
