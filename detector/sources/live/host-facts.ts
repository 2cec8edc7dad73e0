/**
 * What the live adapter reads from the host rather than from the probes: a process's cwd, cgroups,
 * environment, tty and process group, a new thread's thread-group id, and a socket's own address.
 * Behind one interface so that a recording can keep the answers and a replay can give them back:
 * replaying a recorded session must not read today's /proc.
 *
 * Two readers of the same facts: `ProcHostFacts` reads synchronously (fixtures, tools, replays that
 * fall back to a /proc tree), `AsyncProcReader` reads on a worker thread without blocking the event
 * loop (the live detector, through `PrefetchingHostFacts`). Both parse the same way.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { IP_NET_TABLES, namedCgroups, parseNetTable, parseProcCgroup, readCgroupControllers, readSocketTables, type ProcSocket } from '../../state/index.js';
import type { FileOp, FileResult, ProcFiles } from './proc-files.js';
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

/**
 * One key per host lookup, for those that keep answers by lookup (the read-ahead, a recording and its
 * replay): a process by pid, a thread's group by tid, a socket's local end by pid, fd and family.
 */
export const hostKey = {
  process: (pid: number) => `proc:${pid}`,
  tgid: (tid: number) => `tgid:${tid}`,
  socket: (pid: number, fd: number, family: string) => `sock:${pid}:${fd}:${family}`,
};

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const parseEnv = (text: string): string[] => text.split('\0').filter((s) => s !== '');

/** pgid and tty from /proc/<pid>/stat: the fields after the parenthesised comm (which may hold spaces and parentheses). */
function statFacts(stat: string, out: ProcDetails): void {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (rest.length <= 4) return;
  out.pgid = Number(rest[2]);
  out.tty = Number(rest[4]);
}

function statusTgid(status: string): number | undefined {
  const m = /^Tgid:\s*(\d+)/m.exec(status);
  return m?.[1] ? Number(m[1]) : undefined;
}

const socketInode = (link: string): string | undefined => /^socket:\[(\d+)\]$/.exec(link)?.[1];

function localAddress(s: ProcSocket | undefined): LiveSockAddr | undefined {
  if (!s?.local || (s.type !== 'ipv4' && s.type !== 'ipv6')) return undefined;
  return { family: s.type === 'ipv4' ? 'inet' : 'inet6', ...s.local };
}

const familyType = (like: LiveSockAddr): 'ipv4' | 'ipv6' | undefined => (like.family === 'inet' ? 'ipv4' : like.family === 'inet6' ? 'ipv6' : undefined);

/** Host facts from a /proc tree (the live host's, or a fixture's), read synchronously. */
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
    out.env = tryRead(() => parseEnv(readFileSync(join(dir, 'environ'), 'utf8')));
    const stat = tryRead(() => readFileSync(join(dir, 'stat'), 'utf8'));
    if (stat !== undefined) statFacts(stat, out);
    return out;
  }

  tgid(tid: number): number | undefined {
    const status = tryRead(() => readFileSync(join(this.root, String(tid), 'status'), 'utf8'));
    return status === undefined ? undefined : statusTgid(status);
  }

  socketEnd(pid: number, fd: number, like: LiveSockAddr): LiveSockAddr | undefined {
    const type = familyType(like);
    if (type === undefined) return undefined;
    const link = tryRead(() => readlinkSync(join(this.root, String(pid), 'fd', String(fd))));
    const inode = link === undefined ? undefined : socketInode(link);
    if (!inode) return undefined;
    return localAddress(readSocketTables(join(this.root, String(pid)), new Set([type])).get(inode));
  }
}

/** An asynchronous answer, and whether the process (or thread, or fd) was gone for any part of it. */
export interface ProcRead<T> {
  value: T;
  /** Some file was gone (ENOENT/ESRCH): the process exited, or the fd was closed, while we read. */
  vanished: boolean;
  /** Some read was given up with its reader (stuck behind a read that did not return, or stopped). */
  lost?: boolean;
}

/** What went missing while one lookup's files were read. */
type Gone = Omit<ProcRead<unknown>, 'value'>;

/** Errors that mean "it is gone", not "it cannot be read". */
const GONE_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ESRCH']);

/** Codes WorkerProcFiles answers with when it gave a read up rather than made it. */
const LOST_CODES: ReadonlySet<string> = new Set(['EABANDONED', 'ECLOSED', 'EWORKER']);

/** The text of one answer, or undefined; a gone file marks the lookup vanished, a given-up read lost. */
function piece(result: FileResult | undefined, gone: Gone): string | undefined {
  if (result?.ok) return result.value;
  if (result && GONE_CODES.has(result.code)) gone.vanished = true;
  if (result && LOST_CODES.has(result.code)) gone.lost = true;
  return undefined;
}

/**
 * The same facts as `ProcHostFacts`, read without blocking the event loop: the files of one lookup go
 * to `files` together (a worker thread, see WorkerProcFiles) and are parsed here when they come back.
 */
export class AsyncProcReader {
  private readonly controllers: readonly string[];

  constructor(
    private readonly files: ProcFiles,
    private readonly root = '/proc',
    controllers?: readonly string[],
  ) {
    this.controllers = controllers ?? readCgroupControllers();
  }

  async process(pid: number): Promise<ProcRead<ProcDetails>> {
    const dir = join(this.root, String(pid));
    const gone: Gone = { vanished: false };
    const [cwd, cgroup, environ, stat] = (
      await this.files.read([
        ['link', join(dir, 'cwd')],
        ['text', join(dir, 'cgroup')],
        ['text', join(dir, 'environ')],
        ['text', join(dir, 'stat')],
      ])
    ).map((r) => piece(r, gone));
    const out: ProcDetails = {};
    if (cwd !== undefined) out.cwd = cwd;
    if (cgroup !== undefined) out.cgroups = namedCgroups(parseProcCgroup(cgroup), this.controllers);
    if (environ !== undefined) out.env = parseEnv(environ);
    if (stat !== undefined) statFacts(stat, out);
    return { value: out, ...gone };
  }

  async tgid(tid: number): Promise<ProcRead<number | undefined>> {
    const gone: Gone = { vanished: false };
    const [status] = (await this.files.read([['text', join(this.root, String(tid), 'status')]])).map((r) => piece(r, gone));
    return { value: status === undefined ? undefined : statusTgid(status), ...gone };
  }

  async socketEnd(pid: number, fd: number, like: LiveSockAddr): Promise<ProcRead<LiveSockAddr | undefined>> {
    const gone: Gone = { vanished: false };
    const type = familyType(like);
    if (type === undefined) return { value: undefined, vanished: false };
    const dir = join(this.root, String(pid));
    const [link] = (await this.files.read([['link', join(dir, 'fd', String(fd))]])).map((r) => piece(r, gone));
    const inode = link === undefined ? undefined : socketInode(link);
    if (!inode) return { value: undefined, ...gone };
    // Only the tables of the socket's family, and only its own line: the tables can be large. A table
    // the kernel does not have (no IPv6, no UDP) is no sign of the process being gone.
    const tables = IP_NET_TABLES.filter(([, t]) => t === type);
    const texts = await this.files.read(tables.map(([file]): FileOp => ['text', join(dir, 'net', file)]));
    const found = new Map<string, ProcSocket>();
    const tableGone: Gone = { vanished: false };
    tables.forEach(([, t, l4proto], i) => parseNetTable(piece(texts[i], tableGone) ?? '', t, l4proto, found, inode));
    return { value: localAddress(found.get(inode)), vanished: gone.vanished, lost: gone.lost === true || tableGone.lost === true };
  }
}
