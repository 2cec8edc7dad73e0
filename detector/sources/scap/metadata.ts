/**
 * Decoders for the metadata blocks at the start of a capture: machine info, the process and fd tables
 * as they were when the capture began, the interface list and the user/group list.
 */
import {
  blankThread,
  containerIdFromCgroups,
  ipv4ToString,
  ipv6ToString,
  ipTupleName,
  L4PROTO_NAMES,
  parseCgroupList,
  type FdInfo,
  type FdType,
  type GroupInfo,
  type ThreadInfo,
  type UserInfo,
} from '../../state/index.js';
import { cString, narrow, type Cursor } from './cursor.js';

/** What the machine info block says. */
export interface MachineInfo {
  numCpus: number;
  memoryBytes: bigint;
  maxPid: bigint;
  hostname: string;
}

/** One address of the interface list. */
export interface InterfaceAddress {
  family: 'ipv4' | 'ipv6';
  name: string;
  address: string;
}

const MAX_PATH = 1024;
const MAX_ARGS = 4096;
const MAX_ENV = 4096;
const MAX_CGROUPS = 4096;

export function decodeMachine(c: Cursor): MachineInfo {
  const numCpus = c.u32('num_cpus');
  const memoryBytes = c.u64('memory');
  const maxPid = c.u64('max_pid');
  const hostname = cString(c.bytes(Math.min(128, c.remaining), 'hostname'));
  return { numCpus, memoryBytes, maxPid, hostname };
}

/** Decodes a process list block into threads (without fds). */
export function decodeProclist(c: Cursor, version: number): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  while (c.remaining >= 4) {
    const entryStart = c.pos;
    const subLen = version >= 9 ? c.u32('proc entry length') : 0;
    const tid = Number(c.i64('tid'));
    const pid = Number(c.i64('pid'));
    const ptid = Number(c.i64('ptid'));
    const t = blankThread(tid, pid);
    t.ptid = ptid;
    if (version >= 6) t.sid = Number(c.i64('sid'));
    if (version >= 8) t.vpgid = Number(c.i64('vpgid'));
    t.comm = c.lenString('comm', MAX_PATH);
    t.exe = c.lenString('exe', MAX_PATH);
    if (version >= 7) t.exepath = c.lenString('exepath', MAX_PATH);
    t.args = c.lenStringList('args', MAX_ARGS);
    t.cwd = c.lenString('cwd', MAX_PATH);
    t.fdlimit = c.u64('fdlimit');
    c.u32('flags');
    t.uid = c.u32('uid');
    t.gid = c.u32('gid');
    if (version >= 2) {
      c.skip(12 + 16, 'memory counters');
      if (version >= 3) t.env = c.lenStringList('env', MAX_ENV);
      if (version >= 4) {
        t.vtid = Number(c.i64('vtid'));
        t.vpid = Number(c.i64('vpid'));
        t.cgroups = parseCgroupList(c.lenStringList('cgroups', MAX_CGROUPS));
        if (version >= 5) c.lenString('root', MAX_PATH);
      }
    }
    if (subLen > 0) {
      const left = (): number => subLen - (c.pos - entryStart);
      // Writers of libs < 0.10 ended the entry with 29 bytes (loginuid .. cap_effective).
      if (left() > 29) {
        if (left() >= 8) t.pidnsInitStartTs = c.u64('pidns_init_start_ts');
        if (left() >= 4) t.tty = c.u32('tty');
      }
      if (left() >= 4) t.loginuid = c.u32('loginuid');
      if (left() >= 1) t.exeWritable = c.u8('exe_writable') !== 0;
      if (left() >= 8) t.capInheritable = c.u64('cap_inheritable');
      if (left() >= 8) t.capPermitted = c.u64('cap_permitted');
      if (left() >= 8) t.capEffective = c.u64('cap_effective');
      if (left() >= 1) t.exeUpperLayer = c.u8('exe_upper_layer') !== 0;
      if (left() >= 8) t.exeIno = c.u64('exe_ino');
      if (left() >= 8) t.exeInoCtime = c.u64('exe_ino_ctime');
      if (left() >= 8) t.exeInoMtime = c.u64('exe_ino_mtime');
      if (left() >= 1) t.exeFromMemfd = c.u8('exe_from_memfd') !== 0;
      c.skip(left(), 'proc entry tail');
    }
    t.containerId = containerIdFromCgroups(t.cgroups);
    out.push(t);
  }
  return out;
}

// SCAP_FD_* ids to fd types; socket and file variants decode extra fields below.
const FD_TYPES: Readonly<Record<number, FdType>> = {
  0: 'unknown',
  1: 'file',
  2: 'directory',
  3: 'ipv4',
  4: 'ipv6',
  5: 'ipv4',
  6: 'ipv6',
  7: 'pipe',
  8: 'unix',
  9: 'event',
  10: 'unknown',
  11: 'signalfd',
  12: 'eventpoll',
  13: 'inotify',
  14: 'timerfd',
  15: 'netlink',
  16: 'file',
  17: 'bpf',
  18: 'userfaultfd',
  19: 'io_uring',
  20: 'memfd',
  21: 'pidfd',
};

/** Decodes an fd list block: the fds of one thread. */
export function decodeFdlist(c: Cursor, version: number): { tid: number; fds: [number, FdInfo][] } {
  const tid = Number(c.i64('fdlist tid'));
  const fds: [number, FdInfo][] = [];
  while (c.remaining >= 4) {
    const entryStart = c.pos;
    const subLen = version >= 2 ? c.u32('fd entry length') : 0;
    const fd = Number(c.i64('fd'));
    const ino = c.u64('ino');
    const code = c.u8('fd type');
    const info: FdInfo = { type: FD_TYPES[code] ?? 'unknown', name: '', openFlags: 0, ino };
    switch (code) {
      case 3: {
        const b = c.bytes(8, 'ipv4 addresses');
        const cport = c.u16('sport');
        const sport = c.u16('dport');
        const l4 = L4PROTO_NAMES[c.u8('l4proto')];
        info.ip = { cip: ipv4ToString(b, 0), cport, sip: ipv4ToString(b, 4), sport, l4proto: l4 };
        info.name = ipTupleName(info.ip);
        break;
      }
      case 5: {
        const ip = ipv4ToString(c.bytes(4, 'ipv4 address'));
        const port = c.u16('port');
        const l4 = L4PROTO_NAMES[c.u8('l4proto')];
        info.ip = { cip: '0.0.0.0', cport: 0, sip: ip, sport: port, l4proto: l4 };
        info.isServer = true;
        info.name = `${ip}:${port}`;
        break;
      }
      case 4: {
        const b = c.bytes(32, 'ipv6 addresses');
        const cport = c.u16('sport');
        const sport = c.u16('dport');
        const l4 = L4PROTO_NAMES[c.u8('l4proto')];
        info.ip = { cip: ipv6ToString(b, 0), cport, sip: ipv6ToString(b, 16), sport, l4proto: l4 };
        info.name = ipTupleName(info.ip);
        break;
      }
      case 6: {
        const ip = ipv6ToString(c.bytes(16, 'ipv6 address'));
        const port = c.u16('port');
        const l4 = L4PROTO_NAMES[c.u8('l4proto')];
        info.ip = { cip: '::', cport: 0, sip: ip, sport: port, l4proto: l4 };
        info.isServer = true;
        info.name = `${ip}:${port}`;
        break;
      }
      case 8: {
        c.u64('unix source');
        c.u64('unix dest');
        // /proc/net/unix lines end in a newline some writers kept; libsinsp's name has none.
        info.name = c.lenString('unix path', MAX_PATH).replace(/\n$/, '');
        break;
      }
      case 16: {
        info.openFlags = c.u32('open flags');
        info.name = c.lenString('file name', MAX_PATH);
        if (subLen > 0 && subLen - (c.pos - entryStart) >= 4) info.dev = c.u32('dev');
        break;
      }
      case 0:
        break;
      default:
        if (FD_TYPES[code] !== undefined) info.name = c.lenString('fd name', MAX_PATH);
        // An fd type newer than this reader: the entry length (V2) lets us skip what we cannot read.
        else info.name = `unknown-type:[${code}]`;
    }
    if (subLen > 0) c.skip(subLen - (c.pos - entryStart), 'fd entry tail');
    fds.push([fd, info]);
  }
  return { tid, fds };
}

/** Decodes a user/group list block. */
export function decodeUserlist(c: Cursor, version: number): { users: UserInfo[]; groups: GroupInfo[] } {
  const users: UserInfo[] = [];
  const groups: GroupInfo[] = [];
  while (c.remaining >= 4) {
    const entryStart = c.pos;
    const subLen = version >= 2 ? c.u32('user entry length') : 0;
    const kind = c.u8('user entry type');
    if (kind === 0) {
      const uid = c.u32('uid');
      const gid = c.u32('gid');
      const name = c.lenString('user name');
      const homedir = c.lenString('homedir');
      const shell = c.lenString('shell');
      users.push({ uid, gid, name, homedir, shell });
    } else {
      const gid = c.u32('gid');
      const name = c.lenString('group name');
      groups.push({ gid, name });
    }
    if (subLen > 0) c.skip(subLen - (c.pos - entryStart), 'user entry tail');
  }
  return { users, groups };
}

/** Decodes an interface list block. */
export function decodeIflist(c: Cursor, version: number): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  while (c.remaining >= 4) {
    const entryLen = version >= 2 ? c.u32('interface entry length') : 0;
    const start = c.pos;
    const type = c.u16('interface type');
    const nameLen = c.u16('interface name length');
    // 1 ipv4, 2 ipv6, 3 ipv4 without link speed, 4 ipv6 without link speed.
    const v6 = type === 2 || type === 4;
    const addrLen = v6 ? 16 : 4;
    const addr = c.bytes(addrLen, 'address');
    c.skip(addrLen * 2, 'netmask, broadcast');
    if (type === 1 || type === 2) c.skip(8, 'link speed');
    const name = cString(c.bytes(nameLen, 'interface name'));
    out.push({ family: v6 ? 'ipv6' : 'ipv4', name, address: v6 ? ipv6ToString(addr) : ipv4ToString(addr) });
    if (entryLen > 0) c.skip(entryLen - (c.pos - start), 'interface entry tail');
  }
  return out;
}

export { narrow };
