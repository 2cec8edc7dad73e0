/**
 * Seeds the thread table from /proc, as libscap does when a live capture starts: every process and
 * thread that already exists, with its command line, credentials, container and open fds, so events
 * from processes started before the detector still resolve `proc.*` and `fd.*` fields.
 *
 * Processes come and go while we read. A process that vanishes (or is replaced by a new one with the
 * same pid) between reads is dropped and counted, never half-filled: required facts (status, stat)
 * must all be read, and the start time is re-checked at the end.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { containerIdFromCgroups, parseProcCgroup } from './container.js';
import { ipTupleName, type FdInfo, type FdTable, type FdType, type IpTuple } from './fd.js';
import { ipv4ToString, ipv6ToString } from './ip.js';
import type { ThreadInfo } from './thread.js';
import type { ThreadTable } from './thread-table.js';

/** What a seed found: threads and fds added, and entries skipped because they vanished mid-read. */
export interface ProcSeedCounts {
  processes: number;
  threads: number;
  fds: number;
  skipped: number;
}

/**
 * The controllers the cgroup v2 hierarchy enables. /proc lists a v2 membership once, with no
 * subsystem (`0::/path`); drivers report it per controller (`cpu=/path`, `memory=/path`, ...), and the
 * event format needs a name, so the path is listed under each. Without a readable v2 root the stand-in
 * is systemd's name for that hierarchy, `unified`.
 */
export function readCgroupControllers(file = '/sys/fs/cgroup/cgroup.controllers'): string[] {
  const names = (tryRead(() => readFileSync(file, 'utf8')) ?? '').split(/\s+/).filter((n) => n !== '');
  return names.length > 0 ? names : ['unified'];
}

/** /proc cgroup pairs with the v2 entry named per controller (see readCgroupControllers). */
export function namedCgroups(pairs: readonly (readonly [string, string])[], controllers: readonly string[]): [string, string][] {
  return pairs.flatMap(([subsys, path]): [string, string][] => (subsys === '' ? controllers.map((c): [string, string] => [c, path]) : [[subsys, path]]));
}

/** Kernel open flag bits (asm-generic) -> the driver's portable PPM bits; order does not matter. */
const OPEN_FLAG_BITS: readonly (readonly [kernel: number, ppm: number])[] = [
  [0o100, 4], // O_CREAT
  [0o200, 32], // O_EXCL
  [0o1000, 256], // O_TRUNC
  [0o2000, 8], // O_APPEND
  [0o4000, 64], // O_NONBLOCK
  [0o10000, 16], // O_DSYNC
  [0o40000, 512], // O_DIRECT
  [0o100000, 2048], // O_LARGEFILE
  [0o200000, 1024], // O_DIRECTORY
  [0o2000000, 4096], // O_CLOEXEC
  [0o4010000, 128], // O_SYNC (__O_SYNC | O_DSYNC)
  [0o20200000, 8192], // O_TMPFILE (__O_TMPFILE | O_DIRECTORY)
];

/** The access mode (low two bits) maps to values, not bits: PPM has a bit for read and one for write. */
const ACCESS_MODES: readonly number[] = [1 /* O_RDONLY */, 2 /* O_WRONLY */, 3 /* O_RDWR */, 0];

/** Converts the kernel's open flags to the PPM encoding Falco's fields and flag names use. */
export function kernelOpenFlagsToPpm(flags: number): number {
  let out = ACCESS_MODES[flags & 3] ?? 0;
  for (const [k, p] of OPEN_FLAG_BITS) if ((flags & k) === k) out |= p;
  return out;
}

/** `0100007F:1F90` (or the 32-hex-digit IPv6 form), as /proc/net/{tcp,udp}[6] print endpoints. */
export function parseHexEndpoint(s: string): { ip: string; port: number } | undefined {
  const [addr, port] = s.split(':');
  if (!addr || !port || (addr.length !== 8 && addr.length !== 32)) return undefined;
  // Each 32-bit word is printed in host (little-endian) order.
  const bytes = Buffer.alloc(addr.length / 2);
  for (let w = 0; w < addr.length / 8; w++) bytes.writeUInt32LE(Number.parseInt(addr.slice(w * 8, w * 8 + 8), 16), w * 4);
  return { ip: bytes.length === 4 ? ipv4ToString(bytes) : ipv6ToString(bytes), port: Number.parseInt(port, 16) };
}

/** A socket as a network namespace's tables describe it, by inode. */
export interface ProcSocket {
  type: FdType;
  l4proto?: IpTuple['l4proto'];
  local?: { ip: string; port: number };
  remote?: { ip: string; port: number };
  listening: boolean;
  path?: string;
}

const TCP_LISTEN = '0A';
/** The /proc/net tables (file name, socket type, protocol) that hold IP sockets. */
export const IP_NET_TABLES = [
  ['tcp', 'ipv4', 'tcp'],
  ['tcp6', 'ipv6', 'tcp'],
  ['udp', 'ipv4', 'udp'],
  ['udp6', 'ipv6', 'udp'],
] as const;

const ALL_SOCKET_KINDS: ReadonlySet<FdType> = new Set<FdType>(['ipv4', 'ipv6', 'unix']);

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Adds the sockets of one /proc/net/{tcp,udp}[6] text to `out`, by inode; `only` keeps just that inode. */
export function parseNetTable(text: string, type: 'ipv4' | 'ipv6', l4proto: 'tcp' | 'udp', out: Map<string, ProcSocket>, only?: string): void {
  for (const line of text.split('\n').slice(1)) {
    const c = line.trim().split(/\s+/);
    const inode = c[9];
    if (!inode || inode === '0' || (only !== undefined && inode !== only)) continue;
    const local = c[1] ? parseHexEndpoint(c[1]) : undefined;
    const remote = c[2] ? parseHexEndpoint(c[2]) : undefined;
    if (!local || !remote) continue;
    out.set(inode, { type, l4proto, local, remote, listening: l4proto === 'tcp' ? c[3] === TCP_LISTEN : remote.port === 0 });
  }
}

/**
 * Reads one namespace's socket tables (`<dir>/net/...`), or only those of the given kinds (the tables
 * can be large on a busy host); a missing table just contributes nothing.
 */
export function readSocketTables(dir: string, kinds: ReadonlySet<FdType> = ALL_SOCKET_KINDS): Map<string, ProcSocket> {
  const out = new Map<string, ProcSocket>();
  for (const [file, type, l4proto] of IP_NET_TABLES) {
    if (!kinds.has(type)) continue;
    parseNetTable(tryRead(() => readFileSync(join(dir, 'net', file), 'utf8')) ?? '', type, l4proto, out);
  }
  const unix = kinds.has('unix') ? (tryRead(() => readFileSync(join(dir, 'net', 'unix'), 'utf8')) ?? '') : '';
  for (const line of unix.split('\n').slice(1)) {
    const c = line.trim().split(/\s+/);
    if (c[6]) out.set(c[6], { type: 'unix', listening: false, path: c[7] ?? '' });
  }
  return out;
}

/** The fd kind behind an `anon_inode:` link. */
const ANON_INODE_TYPES: Readonly<Record<string, FdType>> = {
  '[eventfd]': 'event',
  '[eventpoll]': 'eventpoll',
  '[signalfd]': 'signalfd',
  '[timerfd]': 'timerfd',
  inotify: 'inotify',
  '[userfaultfd]': 'userfaultfd',
  '[io_uring]': 'io_uring',
  '[pidfd]': 'pidfd',
  'bpf-map': 'bpf',
  'bpf-prog': 'bpf',
  'bpf_link': 'bpf',
};

function socketFd(s: ProcSocket | undefined, listenPorts: ReadonlySet<number>): FdInfo {
  if (!s) return { type: 'unknown', name: '', openFlags: 0 };
  if (s.type === 'unix') return { type: 'unix', name: s.path ?? '', openFlags: 0 };
  const local = s.local ?? { ip: '', port: 0 };
  const remote = s.remote ?? { ip: '', port: 0 };
  // /proc prints local->remote; libsinsp orients tuples client->server, the server being the end
  // that listens on its port.
  const isServer = s.listening || listenPorts.has(local.port);
  const ip: IpTuple = isServer
    ? { cip: remote.ip, cport: remote.port, sip: local.ip, sport: local.port, l4proto: s.l4proto }
    : { cip: local.ip, cport: local.port, sip: remote.ip, sport: remote.port, l4proto: s.l4proto };
  return { type: s.type, name: ipTupleName(ip), openFlags: 0, ip, l4proto: s.l4proto, isServer, connected: !s.listening };
}

function fdFromLink(link: string, sockets: ReadonlyMap<string, ProcSocket>, listenPorts: ReadonlySet<number>): FdInfo {
  const sock = /^socket:\[(\d+)\]$/.exec(link);
  if (sock?.[1]) return socketFd(sockets.get(sock[1]), listenPorts);
  if (link.startsWith('pipe:')) return { type: 'pipe', name: link, openFlags: 0 };
  if (link.startsWith('anon_inode:')) return { type: ANON_INODE_TYPES[link.slice('anon_inode:'.length)] ?? 'unknown', name: '', openFlags: 0 };
  if (link.startsWith('/')) return { type: 'file', name: link, nameRaw: link, openFlags: 0 };
  return { type: 'unknown', name: link, openFlags: 0 };
}

/** Per network namespace: its socket table and the TCP ports something listens on. */
interface NetNs {
  sockets: Map<string, ProcSocket>;
  listenPorts: Set<number>;
}

function readFds(procDir: string, ns: NetNs): FdTable {
  const fds: FdTable = new Map();
  const entries = tryRead(() => readdirSync(join(procDir, 'fd'))) ?? [];
  for (const name of entries) {
    const link = tryRead(() => readlinkSync(join(procDir, 'fd', name)));
    // An fd closed between listing and reading is simply not open any more.
    if (link === undefined) continue;
    const info = fdFromLink(link, ns.sockets, ns.listenPorts);
    const fdinfo = tryRead(() => readFileSync(join(procDir, 'fdinfo', name), 'utf8'));
    const flags = fdinfo ? /^flags:\s*([0-7]+)/m.exec(fdinfo)?.[1] : undefined;
    if (flags !== undefined && (info.type === 'file' || info.type === 'directory')) {
      info.openFlags = kernelOpenFlagsToPpm(Number.parseInt(flags, 8));
      if (info.openFlags & 1024) info.type = 'directory';
    }
    fds.set(Number(name), info);
  }
  return fds;
}

/** status + stat, the facts a thread entry cannot do without. */
interface Required {
  comm: string;
  ppid: number;
  uid: number;
  gid: number;
  pgid: number;
  sid: number;
  tty: number;
  startTicks: string;
}

function readRequired(dir: string): Required | undefined {
  const status = tryRead(() => readFileSync(join(dir, 'status'), 'utf8'));
  const stat = tryRead(() => readFileSync(join(dir, 'stat'), 'utf8'));
  if (status === undefined || stat === undefined) return undefined;
  const field = (k: string): string | undefined => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1];
  const name = /^Name:\t(.*)$/m.exec(status)?.[1];
  const ppid = field('PPid');
  // libscap takes the effective ids.
  const uid = field('Uid')?.split(/\s+/)[1];
  const gid = field('Gid')?.split(/\s+/)[1];
  // Fields after the parenthesised comm, which may itself hold spaces and parentheses.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [pgid, sid, tty, start] = [rest[2], rest[3], rest[4], rest[19]];
  if (name === undefined || !ppid || !uid || !gid || !pgid || !sid || !tty || !start) return undefined;
  return { comm: name, ppid: Number(ppid), uid: Number(uid), gid: Number(gid), pgid: Number(pgid), sid: Number(sid), tty: Number(tty), startTicks: start };
}

function startTicks(dir: string): string | undefined {
  const stat = tryRead(() => readFileSync(join(dir, 'stat'), 'utf8'));
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

// Clock ticks per second in /proc/<pid>/stat: USER_HZ, 100 on every Linux ABI Node runs on.
const NS_PER_TICK = 10_000_000n;

function bootTimeNs(root: string): bigint | undefined {
  const stat = tryRead(() => readFileSync(join(root, 'stat'), 'utf8'));
  const btime = stat ? /^btime\s+(\d+)/m.exec(stat)?.[1] : undefined;
  return btime ? BigInt(btime) * 1_000_000_000n : undefined;
}

/** Loads every process and thread under `procRoot` into `ctx.threads`; see readCgroupControllers. */
export function seedFromProc(
  ctx: { threads: ThreadTable },
  procRoot = '/proc',
  controllers: readonly string[] = readCgroupControllers(),
): ProcSeedCounts {
  const counts: ProcSeedCounts = { processes: 0, threads: 0, fds: 0, skipped: 0 };
  const boot = bootTimeNs(procRoot);
  const namespaces = new Map<string, NetNs>();
  const pids = (tryRead(() => readdirSync(procRoot)) ?? []).filter((n) => /^\d+$/.test(n));
  for (const pidName of pids) {
    const pid = Number(pidName);
    const procDir = join(procRoot, pidName);
    const main = readRequired(procDir);
    if (!main) {
      counts.skipped++;
      continue;
    }
    // Process-wide facts: optional, absent for kernel threads or without permission.
    const cmdline = tryRead(() => readFileSync(join(procDir, 'cmdline'), 'utf8'));
    const argv = cmdline ? cmdline.split('\0') : [];
    if (argv[argv.length - 1] === '') argv.pop();
    const cwd = tryRead(() => readlinkSync(join(procDir, 'cwd')));
    const cgroupText = tryRead(() => readFileSync(join(procDir, 'cgroup'), 'utf8'));
    const cgroups = cgroupText ? namedCgroups(parseProcCgroup(cgroupText), controllers) : [];
    const loginuid = tryRead(() => readFileSync(join(procDir, 'loginuid'), 'utf8'));
    const environ = tryRead(() => readFileSync(join(procDir, 'environ'), 'utf8'));
    const exepath = tryRead(() => readlinkSync(join(procDir, 'exe'))) ?? '';
    // Sockets are looked up in the process's own network namespace; one whose namespace cannot be
    // named gets its own read rather than another namespace's table.
    const nsKey = tryRead(() => readlinkSync(join(procDir, 'ns', 'net')));
    let ns = nsKey === undefined ? undefined : namespaces.get(nsKey);
    if (!ns) {
      const sockets = readSocketTables(procDir);
      const listenPorts = new Set<number>();
      for (const s of sockets.values()) if (s.listening && s.l4proto === 'tcp' && s.local) listenPorts.add(s.local.port);
      ns = { sockets, listenPorts };
      if (nsKey !== undefined) namespaces.set(nsKey, ns);
    }
    const fds = readFds(procDir, ns);
    const tids = (tryRead(() => readdirSync(join(procDir, 'task'))) ?? [pidName]).filter((n) => /^\d+$/.test(n));
    const threads: ThreadInfo[] = [];
    for (const tidName of tids) {
      const tid = Number(tidName);
      const own = tid === pid ? main : readRequired(join(procDir, 'task', tidName));
      if (!own) {
        counts.skipped++;
        continue;
      }
      threads.push({
        tid,
        pid,
        // Threads hang off their process, as the parser records them.
        ptid: tid === pid ? own.ppid : pid,
        sid: own.sid,
        vpgid: own.pgid,
        comm: own.comm,
        // Kernel threads have no command line: libscap names them by their comm.
        exe: argv[0] ?? own.comm,
        exepath,
        args: argv.slice(1),
        cwd: cwd === undefined ? '' : cwd.endsWith('/') ? cwd : `${cwd}/`,
        env: environ ? environ.split('\0').filter((s) => s !== '') : [],
        cgroups,
        containerId: containerIdFromCgroups(cgroups),
        uid: own.uid,
        gid: own.gid,
        loginuid: loginuid === undefined ? undefined : Number(loginuid.trim()) >>> 0,
        tty: own.tty,
        cloneTs: boot === undefined ? undefined : boot + BigInt(own.startTicks) * NS_PER_TICK,
        fds,
      });
    }
    // Same start time at the end: still the process we started reading, not a pid reused mid-read.
    if (startTicks(procDir) !== main.startTicks) {
      counts.skipped += 1;
      continue;
    }
    for (const t of threads) ctx.threads.set(t);
    counts.processes++;
    counts.threads += threads.length;
    counts.fds += fds.size;
  }
  return counts;
}
