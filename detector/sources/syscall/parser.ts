/**
 * The state engine for syscall streams: attaches to each event the thread and fd it refers to, and
 * applies the event's effect (a new process, an opened file, a connection) to the thread table, as
 * libsinsp's parser does. Effects apply on exit events, using the matching enter event's parameters
 * for old layouts that split them. Handlers are a table keyed by event name.
 */
import { normalizePath } from './paths.js';
import {
  blankThread,
  containerIdFromCgroups,
  HOST_CONTAINER_ID,
  ipTupleName,
  parseCgroupList,
  type FdInfo,
  type FdType,
  type ThreadInfo,
} from '../../state/index.js';
import { EVENT_FLAGS, layoutOf } from './layouts.js';
import { paramByName, type SockAddr, type SockTuple, type SyscallEvent, type ParamValue } from './event.js';
import type { SyscallContext } from './context.js';
import { applyContainerEvent } from './container-event.js';

/** A uid/gid libsinsp reports for threads it created without credentials. */
const UNKNOWN_ID = 0xffffffff;
const AT_FDCWD = -100;
// PPM execveat flag.
const PPM_AT_EMPTY_PATH = 1;
// PPM clone flags.
const CL_CLONE_FILES = 1;
const CL_CLONE_PARENT = 256;
const CL_CLONE_THREAD = 8192;
// PPM open flags.
const O_DIRECTORY = 1024;
const O_CLOEXEC = 4096;
// PPM socket families.
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const EINPROGRESS = 115;

/**
 * Exit events that may follow another call's enter event: a successful execveat ends, on most
 * architectures, with an execve exit (the kernel runs it as execve), as libsinsp pairs them.
 */
const ENTER_ALIASES: Readonly<Record<string, string>> = { execve: 'execveat' };

type Handler = (p: StateParser, e: SyscallEvent, t: ThreadInfo) => void;

function num(v: ParamValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** A parameter from the exit event, or else from its enter event (old split layouts). */
function arg(e: SyscallEvent, name: string): ParamValue | undefined {
  const own = paramByName(e, name);
  if (own !== undefined && own !== null) return own;
  return e.enter ? paramByName(e.enter, name) : undefined;
}

function res(e: SyscallEvent): number | undefined {
  return num(e.params[0]);
}

/** The path state records (`fd.name`, cwd, exepath): absolute paths are normalized too. */
function joinPath(dir: string, name: string): string {
  const raw = name.startsWith('/') || dir === '' ? name : `${dir}/${name}`;
  return raw.startsWith('/') ? normalizePath(raw) : raw;
}

/** libsinsp keeps working directories with a trailing slash. */
export function withSlash(dir: string): string {
  return dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
}

function dirOf(p: StateParser, t: ThreadInfo, dirfd: number | undefined): string {
  if (dirfd === undefined || dirfd === AT_FDCWD) return p.cwd(t);
  return t.fds.get(dirfd)?.name ?? '';
}

function tupleFd(fd: FdInfo, t: SockTuple, isServer: boolean): void {
  if (t.family === 'unix') {
    fd.type = 'unix';
    fd.name = `${t.source.toString(16)}->${t.dest.toString(16)} ${t.path}`;
    return;
  }
  if (t.family === 'other') return;
  fd.type = t.family === 'inet' ? 'ipv4' : 'ipv6';
  const l4proto = fd.ip?.l4proto ?? fd.l4proto;
  // Tuples in connect and accept events alike are client->server.
  fd.ip = { cip: t.sip, cport: t.sport, sip: t.dip, sport: t.dport, l4proto };
  fd.isServer = isServer;
  fd.name = ipTupleName(fd.ip);
}

function socketType(domain: number | undefined): FdType {
  switch (domain) {
    case AF_INET:
      return 'ipv4';
    case AF_INET6:
      return 'ipv6';
    case AF_UNIX:
      return 'unix';
    case AF_NETLINK:
      return 'netlink';
    default:
      return 'unknown';
  }
}

function l4FromSocketType(type: number | undefined): 'tcp' | 'udp' | 'raw' | undefined {
  switch ((type ?? 0) & 0xf) {
    case 1:
      return 'tcp';
    case 2:
      return 'udp';
    case 3:
      return 'raw';
    default:
      return undefined;
  }
}

/** Opens a file-like fd from an open-family exit. */
const openHandler: Handler = (p, e, t) => {
  const fd = res(e);
  const name = arg(e, 'name');
  if (fd === undefined || fd < 0 || typeof name !== 'string') return;
  const dirfd = num(arg(e, 'dirfd'));
  const flags = num(arg(e, 'flags')) ?? 0;
  const full = joinPath(e.type === 'open' || e.type === 'creat' ? p.cwd(t) : dirOf(p, t, dirfd), name);
  const info: FdInfo = { type: flags & O_DIRECTORY ? 'directory' : 'file', name: full, nameRaw: name, openFlags: flags };
  const dev = num(arg(e, 'dev'));
  if (dev !== undefined) info.dev = dev;
  p.setFd(e, t, fd, info);
};

/** An fd of a fixed kind created by the call's result. */
function createsFd(type: FdType, name = ''): Handler {
  return (p, e, t) => {
    const fd = res(e);
    if (fd === undefined || fd < 0) return;
    p.setFd(e, t, fd, { type, name, openFlags: 0 });
  };
}

/** An unconnected (UDP) socket takes the tuple of what it sends, as libsinsp tracks it. */
const sendHandler: Handler = (p, e) => {
  const tuple = e.enter ? (paramByName(e.enter, 'tuple') as SockTuple | null | undefined) : undefined;
  if (!e.fd || e.fd.connected || !tuple || (tuple.family !== 'inet' && tuple.family !== 'inet6')) return;
  const unspecified = tuple.sip === '0.0.0.0' || tuple.sip === '::';
  // The kernel reports no source address before the first send; libsinsp uses the destination's.
  tupleFd(e.fd, unspecified ? { ...tuple, sip: tuple.dip } : tuple, false);
};

const dupHandler: Handler = (p, e, t) => {
  const newFd = res(e);
  const oldFd = num(arg(e, 'fd')) ?? num(arg(e, 'oldfd'));
  if (newFd === undefined || newFd < 0 || oldFd === undefined) return;
  const old = t.fds.get(oldFd);
  if (old) p.setFd(e, t, newFd, { ...old, ip: old.ip ? { ...old.ip } : undefined });
};

const cloneHandler: Handler = (p, e, t) => {
  const r = res(e);
  if (r === undefined || r < 0) return;
  const flags = num(arg(e, 'flags')) ?? 0;
  if (r === 0) {
    // Child side: the parameters describe the child itself; what they leave out (cwd when empty,
    // open fds) comes from the parent, as libsinsp inherits it.
    const parentTid = flags & CL_CLONE_THREAD ? num(arg(e, 'pid')) : num(arg(e, 'ptid'));
    const parent = parentTid === undefined ? undefined : p.ctx.threads.get(parentTid);
    if (t.incomplete && parent && !parent.incomplete) {
      t.fds = flags & CL_CLONE_FILES ? p.ctx.threads.mainThread(parent).fds : new Map([...parent.fds].map(([k, v]) => [k, { ...v }]));
      t.cwd = p.cwd(parent);
      t.env = [...parent.env];
      t.exepath = parent.exepath;
      t.loginuid = parent.loginuid;
      t.tty = parent.tty;
      t.capInheritable = parent.capInheritable;
      t.capPermitted = parent.capPermitted;
      t.capEffective = parent.capEffective;
      t.sid = parent.sid;
      t.vpgid = parent.vpgid;
    }
    p.fillFromProcessParams(e, t);
    if (flags & CL_CLONE_THREAD) t.ptid = t.pid;
    t.cloneTs ??= e.ts;
    return;
  }
  // Parent side: create the child from the caller unless the child already reported itself. Inside a
  // pid namespace the result is the child's virtual pid, useless as a host tid: wait for the child.
  if (p.ctx.threads.get(r) !== undefined) return;
  if (t.vpid !== undefined && t.vpid !== t.pid) return;
  const child: ThreadInfo = {
    ...t,
    tid: r,
    pid: flags & CL_CLONE_THREAD ? t.pid : r,
    ptid: flags & CL_CLONE_THREAD ? t.pid : flags & CL_CLONE_PARENT ? t.ptid : t.pid,
    args: [...t.args],
    env: [...t.env],
    cgroups: [...t.cgroups],
    fds: flags & CL_CLONE_FILES ? t.fds : new Map([...t.fds].map(([k, v]) => [k, { ...v }])),
    cloneTs: e.ts,
    exited: false,
  };
  const uid = num(arg(e, 'uid'));
  const gid = num(arg(e, 'gid'));
  if (uid !== undefined) child.uid = uid;
  if (gid !== undefined) child.gid = gid;
  p.ctx.threads.set(child);
};

/** What libsinsp records as the exepath it could not work out (it stores the text, not a blank). */
const UNRESOLVED_EXEPATH = '<NA>';

/**
 * The executable an execveat ran, from its enter event: the file `dirfd` itself names with
 * AT_EMPTY_PATH (fexecve), else the path resolved against `dirfd` (the cwd for AT_FDCWD). A path
 * relative to an fd the table does not know, or a missing path, is unresolved, as in libsinsp.
 */
function execveatPath(p: StateParser, t: ThreadInfo, enter: SyscallEvent): string {
  const dirfd = num(paramByName(enter, 'dirfd'));
  const pathname = paramByName(enter, 'pathname');
  const emptyPath = ((num(paramByName(enter, 'flags')) ?? 0) & PPM_AT_EMPTY_PATH) !== 0;
  const path = emptyPath || typeof pathname !== 'string' ? '' : pathname;
  if (path === '' && !emptyPath) return UNRESOLVED_EXEPATH;
  if (path.startsWith('/')) return joinPath('', path);
  let dir: string | undefined;
  if (dirfd === undefined || dirfd === AT_FDCWD) dir = p.cwd(t);
  else dir = t.fds.get(dirfd)?.name;
  if (dir === undefined) return UNRESOLVED_EXEPATH;
  return path === '' ? joinPath('', dir) : joinPath(dir, path);
}

/** The executable's full path: the driver's trusted path, else the caller's path, resolved. */
function execPath(p: StateParser, e: SyscallEvent, t: ThreadInfo): string | undefined {
  const trusted = paramByName(e, 'trusted_exepath');
  if (typeof trusted === 'string' && trusted !== '') return trusted;
  if (!e.enter) return undefined;
  if (e.enter.type === 'execveat') return execveatPath(p, t, e.enter);
  const filename = paramByName(e.enter, 'filename');
  return typeof filename === 'string' && filename !== '' ? joinPath(p.cwd(t), filename) : undefined;
}

const execveHandler: Handler = (p, e, t) => {
  if (res(e) !== 0) return;
  // Resolved before the process facts change and close-on-exec fds go: dirfd may be one of them.
  const exepath = execPath(p, e, t);
  p.fillFromProcessParams(e, t);
  if (exepath !== undefined) t.exepath = exepath;
  for (const [fd, info] of t.fds) if (info.openFlags & O_CLOEXEC) t.fds.delete(fd);
};

/**
 * A set*id call that succeeded changes the calling thread's effective id (what `user.uid` and
 * `group.gid` report) to the parameter that names it; -1 means "leave unchanged". The value is in
 * the exit event on newer layouts and in the enter event on older ones.
 */
function setsId(field: 'uid' | 'gid', param: string): Handler {
  return (p, e, t) => {
    const id = num(arg(e, param));
    if (res(e) !== 0 || id === undefined || id === -1 || id === UNKNOWN_ID) return;
    t[field] = id >>> 0;
  };
}

const HANDLERS: Readonly<Record<string, Handler>> = {
  open: openHandler,
  openat: openHandler,
  openat2: openHandler,
  creat: openHandler,
  socket: (p, e, t) => {
    const fd = res(e);
    if (fd === undefined || fd < 0) return;
    const type = socketType(num(arg(e, 'domain')));
    // Addresses come with connect/bind/accept; until then the socket only knows its protocol.
    const info: FdInfo = { type, name: '', openFlags: 0 };
    if (type === 'ipv4' || type === 'ipv6') info.l4proto = l4FromSocketType(num(arg(e, 'type')));
    p.setFd(e, t, fd, info);
  },
  connect: (p, e) => {
    const r = res(e);
    const tuple = paramByName(e, 'tuple') as SockTuple | null | undefined;
    if (!e.fd || !tuple || tuple.family === 'other') return;
    // A socket connected once keeps its tuple (libsinsp ignores a re-connect of a UDP socket); a
    // failed connect leaves the socket as it was (the exit event itself still reports the tuple).
    if (e.fd.connected || (r !== undefined && r < 0 && r !== -EINPROGRESS)) return;
    const before = e.fd.name;
    tupleFd(e.fd, tuple, false);
    e.fd.connected = true;
    if (before !== '' && before !== e.fd.name) e.fdNameChanged = true;
  },
  accept: (p, e, t) => {
    const fd = res(e);
    const tuple = paramByName(e, 'tuple') as SockTuple | null | undefined;
    if (fd === undefined || fd < 0) return;
    const info: FdInfo = { type: 'unknown', name: '', openFlags: 0, connected: true };
    if (tuple) tupleFd(info, tuple, true);
    p.setFd(e, t, fd, info);
  },
  bind: (p, e) => {
    const addr = paramByName(e, 'addr') as SockAddr | null | undefined;
    if (!e.fd || res(e) !== 0 || !addr) return;
    if (addr.family === 'unix') e.fd.name = addr.path;
    else if (addr.family === 'inet' || addr.family === 'inet6') {
      e.fd.name = `${addr.ip}:${addr.port}`;
      // Binding a real port makes this the server end; the client end is not known yet.
      if (addr.port !== 0) e.fd.ip = { cip: '', cport: 0, sip: addr.ip, sport: addr.port, l4proto: e.fd.l4proto };
    }
  },
  close: (p, e, t) => {
    const r = res(e);
    if (r === undefined || r < 0 || e.fdNum === undefined) return;
    // The close exit still reports the fd it closed; drop it after this event.
    p.closeAfter(t, e.fdNum);
  },
  sendto: sendHandler,
  sendmsg: sendHandler,
  dup: dupHandler,
  dup2: dupHandler,
  dup3: dupHandler,
  pipe: (p, e, t) => {
    if (res(e) !== 0) return;
    // Both ends are new fds; the event itself reports the second, as libsinsp does.
    for (const name of ['fd1', 'fd2']) {
      const fd = num(paramByName(e, name));
      if (fd !== undefined && fd >= 0) p.setFd(e, t, fd, { type: 'pipe', name: '', openFlags: 0 });
    }
  },
  eventfd: createsFd('event'),
  eventfd2: createsFd('event'),
  signalfd: createsFd('signalfd'),
  signalfd4: createsFd('signalfd'),
  timerfd_create: createsFd('timerfd'),
  inotify_init: createsFd('inotify'),
  inotify_init1: createsFd('inotify'),
  epoll_create: createsFd('eventpoll'),
  epoll_create1: createsFd('eventpoll'),
  userfaultfd: createsFd('userfaultfd'),
  io_uring_setup: createsFd('io_uring'),
  memfd_create: createsFd('memfd'),
  pidfd_open: createsFd('pidfd'),
  chdir: (p, e, t) => {
    const path = arg(e, 'path');
    if (res(e) !== 0 || typeof path !== 'string') return;
    p.setCwd(t, joinPath(p.cwd(t), path));
  },
  fchdir: (p, e, t) => {
    if (res(e) !== 0 || !e.fd) return;
    p.setCwd(t, e.fd.name);
  },
  clone: cloneHandler,
  fork: cloneHandler,
  vfork: cloneHandler,
  clone3: cloneHandler,
  execve: execveHandler,
  execveat: execveHandler,
  setuid: setsId('uid', 'uid'),
  setreuid: setsId('uid', 'euid'),
  setresuid: setsId('uid', 'euid'),
  setgid: setsId('gid', 'gid'),
  setregid: setsId('gid', 'egid'),
  setresgid: setsId('gid', 'egid'),
};

function containerThread(id: string): ThreadInfo {
  const t = blankThread(-1);
  t.comm = `container:${id}`;
  t.ptid = 0;
  t.uid = 0;
  t.gid = 0;
  t.containerId = id;
  return t;
}

/** Applies syscall events to a context's state. */
export class StateParser {
  private readonly pendingEnter = new Map<number, SyscallEvent>();
  private readonly lastFd = new Map<number, number>();
  private toRemove: ThreadInfo | undefined;
  private toClose: [ThreadInfo, number] | undefined;

  constructor(readonly ctx: SyscallContext) {}

  /** Processes one event: resolves its thread and fd, then applies its effect. */
  process(e: SyscallEvent): void {
    this.flushDeferred();
    this.ctx.firstTs ??= e.ts;
    if (e.type === 'container' && e.layout.params[0]?.name === 'json') {
      const info = applyContainerEvent(this.ctx, e);
      // libsinsp attributes container events to a stand-in thread named after the container.
      if (info) e.thread = containerThread(info.id.slice(0, 12));
      return;
    }
    let t = this.ctx.threads.get(e.tid);
    if (t === undefined && e.dir === '<' && (e.layout.name === 'execve' || e.layout.name === 'clone')) {
      t = this.newThread(e.tid);
    }
    if (t === undefined && e.type !== 'switch' && e.type !== 'procinfo') t = this.newThread(e.tid);
    if (t === undefined) return;
    e.thread = t;
    if (e.dir === '>') this.onEnter(e, t);
    else this.onExit(e, t);
    const id = t.containerId;
    if (this.ctx.requestContainer !== undefined && id !== HOST_CONTAINER_ID && !this.ctx.containers.has(id)) this.ctx.requestContainer(id);
  }

  private onEnter(e: SyscallEvent, t: ThreadInfo): void {
    // Only calls with an exit event wait for one (switch, procexit and the like have none).
    if (layoutOf(e.layout.id + 1)?.name === e.layout.name) this.pendingEnter.set(e.tid, e);
    if ((e.layout.flags & EVENT_FLAGS.USES_FD) !== 0 || e.type === 'close') {
      const fd = num(paramByName(e, 'fd'));
      if (fd !== undefined) {
        this.lastFd.set(e.tid, fd);
        this.attachFd(e, t, fd);
      }
    }
    if (e.type === 'procexit') {
      t.exited = true;
      this.toRemove = t;
    }
  }

  private onExit(e: SyscallEvent, t: ThreadInfo): void {
    const enter = this.pendingEnter.get(e.tid);
    if (enter && (enter.layout.name === e.layout.name || ENTER_ALIASES[e.layout.name] === enter.layout.name)) e.enter = enter;
    this.pendingEnter.delete(e.tid);
    if ((e.layout.flags & EVENT_FLAGS.USES_FD) !== 0 || e.type === 'close') {
      // Exit events name their fd only in the enter event: libsinsp uses the thread's last fd, which
      // starts at 0 for a thread whose enter event the capture does not hold.
      // An old capture may lack the fd parameter its layout has: then the fd is unknown.
      const idx = e.layout.paramIndex.get('fd');
      if (idx === undefined) this.attachFd(e, t, this.lastFd.get(e.tid) ?? 0);
      else if (idx < e.params.length) this.attachFd(e, t, num(e.params[idx]) ?? 0);
    }
    const h = HANDLERS[e.type];
    if (h) h(this, e, t);
  }

  private attachFd(e: SyscallEvent, t: ThreadInfo, fd: number): void {
    e.fdNum = fd;
    e.fd = t.fds.get(fd);
  }

  /** Records a new fd for the process and attaches it to the event that created it. */
  setFd(e: SyscallEvent, t: ThreadInfo, fd: number, info: FdInfo): void {
    const main = this.ctx.threads.mainThread(t);
    main.fds.set(fd, info);
    if (t.fds !== main.fds) t.fds.set(fd, info);
    e.fd = info;
    e.fdNum = fd;
  }

  closeAfter(t: ThreadInfo, fd: number): void {
    this.toClose = [t, fd];
  }

  /** A thread's working directory is its process's (libsinsp keeps it in the main thread). */
  cwd(t: ThreadInfo): string {
    return this.ctx.threads.mainThread(t).cwd;
  }

  setCwd(t: ThreadInfo, path: string): void {
    const cwd = withSlash(path);
    t.cwd = cwd;
    const main = this.ctx.threads.mainThread(t);
    main.cwd = cwd;
  }

  private newThread(tid: number): ThreadInfo {
    const t = blankThread(tid);
    t.incomplete = true;
    t.uid = UNKNOWN_ID;
    t.gid = UNKNOWN_ID;
    t.loginuid = UNKNOWN_ID;
    this.ctx.threads.set(t);
    return t;
  }

  /** Fills a thread from the process description execve and clone exits carry. */
  fillFromProcessParams(e: SyscallEvent, t: ThreadInfo): void {
    const s = (n: string): string | undefined => {
      const v = paramByName(e, n);
      return typeof v === 'string' ? v : undefined;
    };
    const list = (n: string): string[] | undefined => {
      const v = paramByName(e, n);
      if (!(v instanceof Uint8Array)) return undefined;
      const out = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8').split('\0');
      if (out.length > 0 && out[out.length - 1] === '') out.pop();
      return out;
    };
    const n = (k: string): number | undefined => num(paramByName(e, k));
    t.incomplete = false;
    const exe = s('exe');
    if (exe !== undefined) t.exe = exe;
    const args = list('args');
    if (args !== undefined) t.args = args;
    const tid = n('tid');
    const pid = n('pid');
    const ptid = n('ptid');
    if (pid !== undefined) t.pid = pid;
    if (ptid !== undefined) t.ptid = ptid;
    if (tid !== undefined && tid !== t.tid) t.vtid = tid;
    // execve does not change the working directory; clone reports the child's (empty inside some
    // containers, when the one inherited from the parent stays).
    const cwd = s('cwd');
    if (cwd !== undefined && cwd !== '' && e.layout.name !== 'execve') t.cwd = withSlash(cwd);
    const fdlimit = paramByName(e, 'fdlimit');
    if (typeof fdlimit === 'number' || typeof fdlimit === 'bigint') t.fdlimit = BigInt(fdlimit);
    // Old layouts have no comm: libsinsp falls back to the executable's base name.
    const comm = s('comm');
    t.comm = comm ?? (exe !== undefined ? exe.slice(exe.lastIndexOf('/') + 1) : t.comm);
    const cgroups = list('cgroups');
    if (cgroups !== undefined) {
      t.cgroups = parseCgroupList(cgroups);
      t.containerId = containerIdFromCgroups(t.cgroups);
    }
    const env = list('env');
    if (env !== undefined) t.env = env;
    const tty = n('tty');
    if (tty !== undefined) t.tty = tty;
    const loginuid = n('loginuid');
    if (loginuid !== undefined) t.loginuid = loginuid >>> 0;
    // Parameter 18 is the namespace-relative group (`vpgid`); the host `pgid` newer drivers append
    // as parameter 29 has no field of ours yet, and must not overwrite it.
    const vpgid = n('vpgid');
    if (vpgid !== undefined) t.vpgid = vpgid;
    const uid = n('uid');
    const gid = n('gid');
    if (uid !== undefined) t.uid = uid >>> 0;
    if (gid !== undefined) t.gid = gid >>> 0;
    // Newer exec layouts: capabilities and the executable's inode (libsinsp's exe_* fields).
    const big = (k: string): bigint | undefined => {
      const v = paramByName(e, k);
      return typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : undefined;
    };
    t.capInheritable = big('cap_inheritable') ?? t.capInheritable;
    t.capPermitted = big('cap_permitted') ?? t.capPermitted;
    t.capEffective = big('cap_effective') ?? t.capEffective;
    t.exeIno = big('exe_ino') ?? t.exeIno;
    t.exeInoCtime = big('exe_ino_ctime') ?? t.exeInoCtime;
    t.exeInoMtime = big('exe_ino_mtime') ?? t.exeInoMtime;
    const vpid = n('vpid');
    const vtid = n('vtid');
    if (vpid !== undefined) t.vpid = vpid;
    if (vtid !== undefined) t.vtid = vtid;
  }

  private flushDeferred(): void {
    if (this.toClose) {
      const [t, fd] = this.toClose;
      this.ctx.threads.mainThread(t).fds.delete(fd);
      t.fds.delete(fd);
      this.toClose = undefined;
    }
    if (this.toRemove) {
      this.ctx.threads.delete(this.toRemove.tid);
      this.pendingEnter.delete(this.toRemove.tid);
      this.lastFd.delete(this.toRemove.tid);
      this.toRemove = undefined;
    }
  }
}
