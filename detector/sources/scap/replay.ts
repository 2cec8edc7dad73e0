/**
 * Capture replay: seeds a syscall context from a capture's metadata (processes, fds, users, host
 * name), then yields its events with state applied, in order. Events libsinsp keeps to itself
 * (`procinfo`) update nothing visible and are not yielded, but keep their place in `evt.num`.
 */
import { ipTupleName, LocalAddresses, UserTable, type ThreadInfo } from '../../state/index.js';
import { createContext, StateParser, withSlash, type SyscallContext, type SyscallEvent } from '../syscall/index.js';
import { openScapFile, ScapReader, type ScapMetadata, type ScapReadOptions, type ScapStats } from './reader.js';

// Event types libsinsp consumes internally and never hands to filters or output.
const HIDDEN = new Set(['procinfo', 'sysdigevent']);

/** A capture being replayed. */
export interface ScapReplay {
  ctx: SyscallContext;
  metadata: ScapMetadata;
  /** Live counters: read them after iterating. */
  stats: ScapStats;
  /** The events, with thread/fd state attached; iterate once. */
  events: Generator<SyscallEvent>;
}

/** Replays a capture given as bytes or a file path (read as the events are taken, not all at once). */
export function replayScap(input: string | Uint8Array, options: ScapReadOptions = {}): ScapReplay {
  const reader = typeof input === 'string' ? openScapFile(input, options) : new ScapReader(input, options);
  const users = new UserTable();
  for (const u of reader.metadata.users) users.addUser(u);
  for (const g of reader.metadata.groups) users.addGroup(g);
  // The capture's interface list, not this host's, says which addresses were local (none without one).
  const localAddresses = new LocalAddresses(reader.metadata.interfaces);
  const ctx = createContext({ users, hostname: reader.metadata.machine?.hostname, localAddresses });
  seedThreads(ctx, reader.metadata.threads);
  const parser = new StateParser(ctx);
  function* run(): Generator<SyscallEvent> {
    // Container events written ahead of the first syscall describe containers that already existed:
    // state, not activity, so libsinsp does not hand them out.
    let preamble = true;
    for (const e of reader.events(ctx)) {
      parser.process(e);
      const isContainer = e.type === 'container';
      if (!isContainer) preamble = false;
      if (HIDDEN.has(e.type) || (preamble && isContainer)) continue;
      yield e;
    }
  }
  return { ctx, metadata: reader.metadata, stats: reader.stats, events: run() };
}

/**
 * Loads the capture's process table. Threads share their process's fd table (captures list fds only
 * for main threads), and a socket whose local port some process listens on is the server end of its
 * connection, so its tuple is oriented client->server as libsinsp orients it.
 */
function seedThreads(ctx: SyscallContext, threads: readonly ThreadInfo[]): void {
  for (const t of threads) {
    t.cwd = withSlash(t.cwd);
    ctx.threads.set(t);
  }
  const serverPorts = new Set<number>();
  for (const t of threads) for (const fd of t.fds.values()) if (fd.isServer && fd.ip) serverPorts.add(fd.ip.sport);
  for (const t of threads) {
    if (t.tid !== t.pid) {
      const main = ctx.threads.get(t.pid);
      if (main) t.fds = main.fds;
      continue;
    }
    for (const fd of t.fds.values()) {
      if (!fd.ip || fd.isServer !== undefined) continue;
      // As read from /proc the tuple is local->remote: the local end is the client unless we listen on it.
      if (serverPorts.has(fd.ip.cport)) {
        fd.ip = { cip: fd.ip.sip, cport: fd.ip.sport, sip: fd.ip.cip, sport: fd.ip.cport, l4proto: fd.ip.l4proto };
        fd.isServer = true;
      } else {
        fd.isServer = false;
      }
      fd.name = ipTupleName(fd.ip);
    }
  }
}
