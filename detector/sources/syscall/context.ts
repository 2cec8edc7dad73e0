/**
 * The state one syscall stream shares: its thread table, user table and machine facts. Every event
 * points at it so field extractors can resolve parents, users and fds without globals.
 */
import { ThreadTable, UserTable, type ContainerInfo } from '../../state/index.js';

/** Per-stream state reachable from each event. */
export interface SyscallContext {
  threads: ThreadTable;
  users: UserTable;
  /** Container metadata by 12-digit id, when a runtime or the capture provided it. */
  containers: Map<string, ContainerInfo>;
  /** `evt.hostname`: the host the events come from, when known. */
  hostname?: string;
  /** Timestamp of the first event of the stream, for `evt.reltime`. */
  firstTs?: bigint;
}

/** A fresh, empty context. */
export function createContext(init: Partial<SyscallContext> = {}): SyscallContext {
  return {
    threads: init.threads ?? new ThreadTable(),
    users: init.users ?? new UserTable(),
    containers: init.containers ?? new Map(),
    hostname: init.hostname,
    firstTs: init.firstTs,
  };
}
