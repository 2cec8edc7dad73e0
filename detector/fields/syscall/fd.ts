/**
 * `fd.*`: the file descriptor an event uses or creates. For failed creators (an open that returned an
 * error) there is no fd, but libsinsp still reports the name the call was given; so do we.
 */
import type { Extractor, FieldValue } from '../../engine/fields.js';
import { FD_TYPECHAR, type FdInfo } from '../../state/index.js';
import { EVENT_FLAGS, paramByName, renderParam, type SyscallEvent } from '../../sources/syscall/index.js';
import { normalizePath } from '../../sources/syscall/paths.js';

const FD_EVENT_FLAGS = EVENT_FLAGS.CREATES_FD | EVENT_FLAGS.USES_FD | EVENT_FLAGS.DESTROYS_FD;
import { defineFields, parseIndex, type FieldDef } from './define.js';

// typechar libsinsp reports for events that create an fd but have none (the call failed).
const CREATOR_TYPECHAR: Readonly<Record<string, string>> = {
  open: 'f',
  openat: 'f',
  openat2: 'f',
  creat: 'f',
  socket: '4',
  accept: '4',
  accept4: '4',
  pipe: 'p',
  pipe2: 'p',
  eventfd: 'e',
  eventfd2: 'e',
  signalfd: 's',
  signalfd4: 's',
  timerfd_create: 't',
  inotify_init: 'i',
  inotify_init1: 'i',
};

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The name a failed or fd-less creator event was given (open's path, connect's tuple). */
function creatorName(e: SyscallEvent, raw: boolean): string | undefined {
  if (e.dir !== '<') return undefined;
  switch (e.type) {
    case 'open':
    case 'creat': {
      const i = e.layout.paramIndex.get('name');
      if (i === undefined) return undefined;
      const r = renderParam(e, i);
      return raw ? r?.value : (r?.resolved ?? r?.value);
    }
    case 'openat':
    case 'openat2': {
      const src = e.layout.paramIndex.has('name') ? e : e.enter;
      if (src === undefined) return undefined;
      const name = paramByName(src, 'name');
      if (typeof name !== 'string') return undefined;
      if (raw) return name;
      const dirfd = paramByName(src, 'dirfd');
      const dir =
        typeof dirfd === 'number' && dirfd !== -100 ? (e.thread?.fds.get(dirfd)?.name ?? '') : (e.thread?.cwd ?? '');
      const path = joinPath(dir, name);
      // A path still relative (no cwd known) is kept as is, as the state parser does.
      return path.startsWith('/') ? normalizePath(path) : path;
    }
    case 'connect':
    case 'accept':
    case 'accept4': {
      const i = e.layout.paramIndex.get('tuple');
      return i === undefined ? undefined : renderParam(e, i)?.value;
    }
    default:
      return undefined;
  }
}

/** libsinsp reads fd fields only for events that create, use or destroy an fd. */
function usesFd(e: SyscallEvent): boolean {
  return e.thread !== undefined && (e.layout.flags & FD_EVENT_FLAGS) !== 0;
}

function fdOf(get: (fd: FdInfo, e: SyscallEvent) => FieldValue | undefined) {
  return (e: SyscallEvent): FieldValue | undefined => (e.fd === undefined || !usesFd(e) ? undefined : get(e.fd, e));
}

const isFile = (fd: FdInfo): boolean => fd.type === 'file' || fd.type === 'directory';
const isIp = (fd: FdInfo): boolean => fd.type === 'ipv4' || fd.type === 'ipv6';

function directoryOf(name: string): string {
  const pos = name.lastIndexOf('/');
  if (pos <= 0) return '/';
  return pos < name.length - 1 ? name.slice(0, pos) : name;
}

/**
 * A server socket: bound to its own address, with no peer yet (libsinsp's SERVSOCK kind). It has no
 * local/remote ends, and is the server end by definition.
 */
const isServerSocket = (fd: FdInfo): boolean => fd.ip !== undefined && fd.ip.cip === '';

/** Whether an address is the machine's, seen from the event's thread (see LocalAddresses). */
function isLocalAddress(e: SyscallEvent, fd: FdInfo, ip: string): boolean {
  const family = fd.type === 'ipv6' ? 'ipv6' : 'ipv4';
  return e.ctx.localAddresses.isLocal(ip, family, e.thread?.containerId ?? '', e.ctx.containers);
}

/**
 * The local and remote ends of a connected socket, as libsinsp picks them: the client end is local
 * when its address is one of the machine's, else the server end is. Unset for a socket no connect,
 * accept or send has given a role yet, and for server sockets.
 */
function ends(e: SyscallEvent, fd: FdInfo): { local: [string, number]; remote: [string, number] } | undefined {
  if (!isIp(fd) || !fd.ip || fd.isServer === undefined || isServerSocket(fd)) return undefined;
  const client: [string, number] = [fd.ip.cip, fd.ip.cport];
  const server: [string, number] = [fd.ip.sip, fd.ip.sport];
  return isLocalAddress(e, fd, fd.ip.cip) ? { local: client, remote: server } : { local: server, remote: client };
}

/** The address libsinsp holds for a socket end no event has filled in yet: all zeros. */
const UNSPECIFIED: Readonly<Record<string, string>> = { ipv4: '0.0.0.0', ipv6: '::' };

/**
 * `fd.is_server`: a server socket, or a socket whose server address is the machine's. A socket with
 * no address yet tests the unspecified address, which shares ::1's /64 prefix: true for IPv6.
 */
function isServerEnd(e: SyscallEvent, fd: FdInfo): boolean {
  if (!isIp(fd)) return false;
  if (fd.ip && isServerSocket(fd)) return true;
  return isLocalAddress(e, fd, fd.ip?.sip ?? UNSPECIFIED[fd.type] ?? '');
}

const DEFS: FieldDef[] = [
    {
    name: 'fd.num',
    type: 'int',
    desc: 'fd number',
    get: (e) => {
      if (!usesFd(e)) return undefined;
      // No fd yet (a creator's enter, a failed creator) or an unknown one: libsinsp reports -1.
      return e.fdNum !== undefined && (e.fd !== undefined || e.fdNum >= 0) ? e.fdNum : -1;
    },
  },
  { name: 'fd.type', type: 'string', desc: 'fd type: file, directory, ipv4, ipv6, unix, pipe, ...', get: fdOf((fd) => fd.type) },
  {
    name: 'fd.typechar',
    type: 'string',
    desc: 'fd type as one character',
    get: (e) => {
      if (!usesFd(e)) return undefined;
      if (e.fd) return FD_TYPECHAR[e.fd.type];
      return CREATOR_TYPECHAR[e.type] ?? 'o';
    },
  },
  {
    name: 'fd.name',
    type: 'string',
    desc: 'full path of a file, or the connection tuple of a socket',
    get: (e) => {
      if (!usesFd(e)) return undefined;
      if (e.fd) return e.fd.name !== '' ? e.fd.name : (creatorName(e, false) ?? '');
      // No fd info: exits still report the name the call was given, or an empty one.
      return e.dir === '<' ? (creatorName(e, false) ?? '') : undefined;
    },
  },
  {
    name: 'fd.directory',
    type: 'string',
    desc: 'directory of a file fd',
    get: (e) => {
      if (!usesFd(e)) return undefined;
      if (e.fd) return isFile(e.fd) ? directoryOf(e.fd.name) : undefined;
      return e.dir === '<' ? directoryOf(creatorName(e, false) ?? '') : undefined;
    },
  },
  {
    name: 'fd.filename',
    type: 'string',
    desc: 'file name without the directory',
    get: fdOf((fd) => (fd.type === 'file' ? fd.name.slice(fd.name.lastIndexOf('/') + 1) : undefined)),
  },
  {
    name: 'fd.ip',
    type: 'ipaddr',
    desc: 'client or server address (filter only)',
    // libsinsp matches `=` when either end does and `!=` only when neither does.
    multiValue: 'any-eq-all-ne',
    get: fdOf((fd) => (fd.ip ? [fd.ip.cip, fd.ip.sip] : undefined)),
  },
  // An empty client address means not known yet (a bound, unconnected server socket).
  { name: 'fd.cip', type: 'ipaddr', desc: 'client address', get: fdOf((fd) => fd.ip?.cip || undefined) },
  { name: 'fd.sip', type: 'ipaddr', desc: 'server address', get: fdOf((fd) => fd.ip?.sip) },
  { name: 'fd.lip', type: 'ipaddr', desc: 'local address', get: fdOf((fd, e) => ends(e, fd)?.local[0]) },
  { name: 'fd.rip', type: 'ipaddr', desc: 'remote address', get: fdOf((fd, e) => ends(e, fd)?.remote[0]) },
  {
    name: 'fd.port',
    type: 'uint',
    desc: 'client or server port (filter only)',
    // libsinsp matches `=` when either end does and `!=` only when neither does.
    multiValue: 'any-eq-all-ne',
    get: fdOf((fd) => (fd.ip ? [fd.ip.cport, fd.ip.sport] : undefined)),
  },
  {
    name: 'fd.cport',
    type: 'uint',
    desc: 'client port',
    // libsinsp reports client port 0 for unix sockets (and leaves every other port unset for them).
    get: fdOf((fd) => (fd.type === 'unix' ? (fd.name !== '' ? 0 : undefined) : fd.ip?.cport)),
  },
  { name: 'fd.sport', type: 'uint', desc: 'server port', get: fdOf((fd) => fd.ip?.sport) },
  { name: 'fd.lport', type: 'uint', desc: 'local port', get: fdOf((fd, e) => ends(e, fd)?.local[1]) },
  { name: 'fd.rport', type: 'uint', desc: 'remote port', get: fdOf((fd, e) => ends(e, fd)?.remote[1]) },
  { name: 'fd.l4proto', type: 'string', desc: 'tcp, udp, icmp or raw', get: fdOf((fd) => fd.ip?.l4proto) },
  {
    name: 'fd.sockfamily',
    type: 'string',
    desc: "'ip' or 'unix'",
    get: fdOf((fd) => (isIp(fd) ? 'ip' : fd.type === 'unix' ? 'unix' : undefined)),
  },
  { name: 'fd.is_server', type: 'bool', desc: 'true when the server end is on this machine', get: fdOf((fd, e) => isServerEnd(e, fd)) },
  {
    name: 'fd.uid',
    type: 'string',
    desc: 'fd number and thread id',
    get: (e) => (e.fd === undefined || e.fdNum === undefined ? undefined : `${e.fdNum}${e.tid}`),
  },
  {
    name: 'fd.containername',
    type: 'string',
    desc: 'container id and fd name',
    get: (e) => (e.fd && e.thread ? `${e.thread.containerId}:${e.fd.name}` : undefined),
  },
  {
    name: 'fd.containerdirectory',
    type: 'string',
    desc: 'container id and directory',
    get: (e) => (e.fd && e.thread && isFile(e.fd) ? `${e.thread.containerId}:${directoryOf(e.fd.name)}` : undefined),
  },
    {
    name: 'fd.net',
    type: 'ipnet',
    desc: 'client or server network (filter only)',
    // libsinsp matches `=` when either end does and `!=` only when neither does.
    multiValue: 'any-eq-all-ne',
    get: fdOf((fd) => (fd.ip ? [fd.ip.cip, fd.ip.sip].filter((a) => a !== '') : undefined)),
  },
  { name: 'fd.cnet', type: 'ipnet', desc: 'client network (filter only)', get: fdOf((fd) => fd.ip?.cip || undefined) },
  { name: 'fd.snet', type: 'ipnet', desc: 'server network (filter only)', get: fdOf((fd) => fd.ip?.sip) },
  { name: 'fd.lnet', type: 'ipnet', desc: 'local network (filter only)', get: fdOf((fd, e) => ends(e, fd)?.local[0]) },
  { name: 'fd.rnet', type: 'ipnet', desc: 'remote network (filter only)', get: fdOf((fd, e) => ends(e, fd)?.remote[0]) },
  { name: 'fd.connected', type: 'bool', desc: 'true for connected sockets', get: fdOf((fd) => (isIp(fd) || fd.type === 'unix' ? fd.connected === true : undefined)) },
  { name: 'fd.name_changed', type: 'bool', desc: 'true when this event changed the fd name', get: (e) => e.fdNameChanged === true },
  // Domain names need a DNS cache Saker does not keep: always unset, never guessed.
  { name: 'fd.cip.name', type: 'string', desc: 'domain name of the client address', get: () => undefined },
  { name: 'fd.sip.name', type: 'string', desc: 'domain name of the server address', get: () => undefined },
  { name: 'fd.lip.name', type: 'string', desc: 'domain name of the local address', get: () => undefined },
  { name: 'fd.rip.name', type: 'string', desc: 'domain name of the remote address', get: () => undefined },
  { name: 'fd.dev', type: 'int', desc: 'device of the file', get: fdOf((fd) => fd.dev) },
  { name: 'fd.dev.major', type: 'int', desc: 'major device number', get: fdOf((fd) => (fd.dev === undefined ? undefined : (fd.dev >>> 20) & 0xfff)) },
  { name: 'fd.dev.minor', type: 'int', desc: 'minor device number', get: fdOf((fd) => (fd.dev === undefined ? undefined : fd.dev & 0xfffff)) },
  { name: 'fd.ino', type: 'int', desc: 'inode of the file', get: fdOf((fd) => fd.ino) },
  {
    name: 'fd.nameraw',
    type: 'string',
    desc: 'the path as the process wrote it',
    get: (e) => (!usesFd(e) ? undefined : e.fd ? (e.fd.nameRaw ?? e.fd.name) : creatorName(e, true)),
  },
  {
    name: 'fd.types',
    type: 'string',
    desc: 'types of all open fds, or of one fd with fd.types[N]',
    list: true,
    arg: { kind: 'index', required: false },
    bind: (arg): Extractor<SyscallEvent> => {
      if (arg !== undefined) {
        const n = parseIndex('fd.types', arg);
        return (e) => {
          const fd = e.thread?.fds.get(n);
          return fd === undefined ? undefined : [fd.type];
        };
      }
      return (e) => (e.thread ? [...new Set([...e.thread.fds.values()].map((f) => f.type))] : undefined);
    },
  },
];

export const FD_FIELDS = defineFields(DEFS);
