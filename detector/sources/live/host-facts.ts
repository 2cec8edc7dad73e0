/**
 * What the live adapter reads from the host rather than from the probes: a process's cwd, cgroups,
 * environment, tty and process group, a new thread's thread-group id, and a socket's own address.
 * Behind one interface so that a recording can keep the answers and a replay can give them back:
 * replaying a recorded session must not read today's /proc.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { namedCgroups, parseProcCgroup, readCgroupControllers, readSocketTables } from '../../state/index.js';
import type { LiveSockAddr } from './records.js';

/** What /proc said about a process; each piece independently absent once it is gone. */
export interface ProcDetails {
  cwd?: string;
  cgroups?: [string, string][];
  env?: string[];
  tty?: number;
  pgid?: number;
}

/** The host lookups the adapter makes. Every answer may be absent: the process may be gone. */
export interface HostFacts {
  process(pid: number): ProcDetails;
  /** The thread-group id of a thread, or undefined once its /proc entry is gone. */
  tgid(tid: number): number | undefined;
  /** The local address of the socket `fd` of `pid` (same family as `like`), or undefined when unknown. */
  socketEnd(pid: number, fd: number, like: LiveSockAddr): LiveSockAddr | undefined;
}

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Host facts from a /proc tree (the live host's, or a fixture's). */
export class ProcHostFacts implements HostFacts {
  private readonly controllers: readonly string[];

  constructor(
    private readonly root = '/proc',
    controllers?: readonly string[],
  ) {
    this.controllers = controllers ?? readCgroupControllers();
  }

  process(pid: number): ProcDetails {
    const dir = join(this.root, String(pid));
    const out: ProcDetails = {};
    out.cwd = tryRead(() => readlinkSync(join(dir, 'cwd')));
    out.cgroups = tryRead(() => namedCgroups(parseProcCgroup(readFileSync(join(dir, 'cgroup'), 'utf8')), this.controllers));
    out.env = tryRead(() => readFileSync(join(dir, 'environ'), 'utf8').split('\0').filter((s) => s !== ''));
    const stat = tryRead(() => readFileSync(join(dir, 'stat'), 'utf8'));
    // Fields after the parenthesised comm (which may itself contain spaces and parentheses).
    const rest = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest && rest.length > 4) {
      out.pgid = Number(rest[2]);
      out.tty = Number(rest[4]);
    }
    return out;
  }

  tgid(tid: number): number | undefined {
    const status = tryRead(() => readFileSync(join(this.root, String(tid), 'status'), 'utf8'));
    const m = status ? /^Tgid:\s*(\d+)/m.exec(status) : null;
    return m?.[1] ? Number(m[1]) : undefined;
  }

  socketEnd(pid: number, fd: number, like: LiveSockAddr): LiveSockAddr | undefined {
    if (like.family !== 'inet' && like.family !== 'inet6') return undefined;
    const link = tryRead(() => readlinkSync(join(this.root, String(pid), 'fd', String(fd))));
    const inode = link ? /^socket:\[(\d+)\]$/.exec(link)?.[1] : undefined;
    if (!inode) return undefined;
    const s = readSocketTables(join(this.root, String(pid)), new Set([like.family === 'inet' ? 'ipv4' : 'ipv6'])).get(inode);
    if (!s?.local || (s.type !== 'ipv4' && s.type !== 'ipv6')) return undefined;
    return { family: s.type === 'ipv4' ? 'inet' : 'inet6', ...s.local };
  }
}
