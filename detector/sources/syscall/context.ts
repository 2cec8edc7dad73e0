/**
 * The state one syscall stream shares: its thread table, user table and machine facts. Every event
 * points at it so field extractors can resolve parents, users and fds without globals.
 */
import { LocalAddresses, ThreadTable, UserTable, type ContainerInfo } from '../../state/index.js';

/** Per-stream state reachable from each event. */
export interface SyscallContext {
  threads: ThreadTable;
  users: UserTable;
  /** Container metadata by 12-digit id, when a runtime or the capture provided it. */
  containers: Map<string, ContainerInfo>;
  /** The machine's addresses, which decide the local end of a connection (`fd.lip`, `fd.is_server`). */
  localAddresses: LocalAddresses;
  /**
   * Called with a container id the table does not hold yet, for each event of a thread in it, so a
   * runtime lookup can fill it in later. Must return at once (see detector/containers).
   */
  requestContainer?: (id: string) => void;
  /** `evt.hostname`: the host the events come from, when known. */
  hostname?: string;
  /** Timestamp of the first event of the stream, for `evt.reltime`. */
  firstTs?: bigint;
}

/** A fresh, empty context; without other addresses, the local ones are this host's. */
export function createContext(init: Partial<SyscallContext> = {}): SyscallContext {
  return {
    threads: init.threads ?? new ThreadTable(),
    users: init.users ?? new UserTable(),
    containers: init.containers ?? new Map(),
    localAddresses: init.localAddresses ?? LocalAddresses.host(),
    requestContainer: init.requestContainer,
    hostname: init.hostname,
    firstTs: init.firstTs,
  };
}
