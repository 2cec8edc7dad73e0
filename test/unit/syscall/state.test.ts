// The state engine and the fields that read it: processes born by clone and execve, their ancestry,
// credentials and containers, fds opened relative to a directory, sockets connected, threads that exit.
import { describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS, capsToString } from '../../../detector/fields/syscall/index.js';
import {
  containerIdFromCgroupPath,
  LocalAddresses,
  parsePasswd,
  ThreadTable,
  UserTable,
  blankThread,
} from '../../../detector/state/index.js';
import {
  createContext,
  isRuleEvent,
  layoutOf,
  renderFlags,
  FLAG_TABLES,
  StateParser,
  type ParamValue,
  type SyscallContext,
  type SyscallEvent,
} from '../../../detector/sources/syscall/index.js';

const CLONE_X = 223;
const EXECVE_E = 292;
const EXECVE_X = 293;
const OPENAT_E = 306;
const OPENAT_X = 307;
const SOCKET_E = 18;
const SOCKET_X = 19;
const CONNECT_E = 22;
const CONNECT_X = 23;
const PROCEXIT_E = 186;
const SETUID_E = 198;
const SETUID_X = 199;
const AT_FDCWD = -100;

let num = 0;
function ev(ctx: SyscallContext, id: number, tid: number, params: Record<string, ParamValue>): SyscallEvent {
  const layout = layoutOf(id);
  if (!layout) throw new Error(`no layout ${id}`);
  num++;
  return {
    num,
    ts: BigInt(num) * 1000n,
    cpu: 0,
    tid,
    layout,
    type: layout.name,
    dir: layout.dir,
    params: layout.params.map((p) => params[p.name] ?? null),
    ctx,
  };
}

const bytes = (...items: string[]): Uint8Array => new TextEncoder().encode(items.map((i) => `${i}\0`).join(''));

function get(e: SyscallEvent, name: string, arg?: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec) throw new Error(`no field ${name}`);
  return spec.bind(arg)(e);
}

function world(): { ctx: SyscallContext; parser: StateParser } {
  const users = new UserTable();
  for (const u of parsePasswd('root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n# comment\nbroken')) users.addUser(u);
  // The machine's own address, which makes it the local end of the connections below.
  const localAddresses = new LocalAddresses([{ family: 'ipv4', address: '10.0.0.2' }]);
  const ctx = createContext({ threads: new ThreadTable(), users, localAddresses });
  const init = blankThread(1);
  Object.assign(init, { ptid: 0, comm: 'systemd', exe: '/sbin/init', cwd: '/', uid: 0, gid: 0 });
  const sshd = blankThread(10);
  Object.assign(sshd, { ptid: 1, comm: 'sshd', exe: '/usr/sbin/sshd', args: ['-D'], cwd: '/', uid: 0, gid: 0, loginuid: 1000 });
  sshd.fds.set(0, { type: 'file', name: '/dev/null', openFlags: 1 });
  ctx.threads.set(init);
  ctx.threads.set(sshd);
  return { ctx, parser: new StateParser(ctx) };
}

describe('state engine', () => {
  it('creates a child on clone and rewrites it on execve, keeping ancestry', () => {
    const { ctx, parser } = world();
    const cloneParent = ev(ctx, CLONE_X, 10, { res: 11, exe: '/usr/sbin/sshd', args: bytes('-D'), tid: 10, pid: 10, ptid: 1, comm: 'sshd', flags: 0, uid: 0, gid: 0 });
    parser.process(cloneParent);
    expect(ctx.threads.get(11)?.comm).toBe('sshd');
    expect(ctx.threads.get(11)?.fds.get(0)?.name).toBe('/dev/null');

    parser.process(ev(ctx, EXECVE_E, 11, { filename: '/bin/bash' }));
    const exec = ev(ctx, EXECVE_X, 11, {
      res: 0, exe: '-bash', args: bytes('-l'), tid: 11, pid: 11, ptid: 10, cwd: '/home/alice', comm: 'bash',
      cgroups: bytes('cpu=/user.slice'), env: bytes('HOME=/home/alice', 'SHELL=/bin/bash'), tty: 34816, loginuid: 1000,
    });
    parser.process(exec);
    expect(get(exec, 'proc.name')).toBe('bash');
    expect(get(exec, 'proc.exe')).toBe('-bash');
    expect(get(exec, 'proc.exepath')).toBe('/bin/bash');
    expect(get(exec, 'proc.cmdline')).toBe('bash -l');
    expect(get(exec, 'proc.pname')).toBe('sshd');
    expect(get(exec, 'proc.aname', '2')).toBe('systemd');
    expect(get(exec, 'proc.aname')).toEqual(['sshd', 'systemd']);
    expect(get(exec, 'proc.pcmdline')).toBe('sshd -D');
    expect(get(exec, 'proc.env', 'HOME')).toBe('/home/alice');
    expect(get(exec, 'proc.env', 'NOPE')).toBeUndefined();
    expect(get(exec, 'proc.tty')).toBe(34816);
    expect(get(exec, 'user.name')).toBe('root');
    expect(get(exec, 'user.loginuid')).toBe(1000);
    expect(get(exec, 'user.loginname')).toBe('alice');
    expect(get(exec, 'container.id')).toBe('host');

    // setuid: the argument renders as the user name (rules compare evt.arg.uid with names).
    const setuidE = ev(ctx, SETUID_E, 11, { uid: 1000 });
    parser.process(setuidE);
    expect(get(setuidE, 'evt.arg', 'uid')).toBe('alice');
    expect(get(setuidE, 'evt.rawarg', 'uid')).toBe(1000);
    const setuidX = ev(ctx, SETUID_X, 11, { res: 0 });
    parser.process(setuidX);
    expect(get(setuidX, 'user.name')).toBe('alice');
  });

  it('resolves openat paths against the directory fd or the working directory', () => {
    const { ctx, parser } = world();
    ctx.threads.get(10)!.fds.set(7, { type: 'directory', name: '/etc/ssh', openFlags: 1024 });
    parser.process(ev(ctx, OPENAT_E, 10, { dirfd: 7, name: 'sshd_config', flags: 2, mode: 0 }));
    const x = ev(ctx, OPENAT_X, 10, { fd: 4, dirfd: 7, name: 'sshd_config', flags: 2, mode: 0, dev: 0 });
    parser.process(x);
    expect(get(x, 'fd.name')).toBe('/etc/ssh/sshd_config');
    expect(get(x, 'evt.is_open_write')).toBe(true);
    expect(get(x, 'evt.is_open_read')).toBe(false);
    const rel = ev(ctx, OPENAT_X, 10, { fd: 5, dirfd: AT_FDCWD, name: '../tmp/./x', flags: 1, mode: 0, dev: 0 });
    parser.process(rel);
    expect(get(rel, 'fd.name')).toBe('/tmp/x');
    expect(get(rel, 'fd.types')).toEqual(['file', 'directory']);
    expect(get(rel, 'fd.types', '0')).toEqual(['file']);
    // A failed open has no fd, but still reports the path it was given.
    const failed = ev(ctx, OPENAT_X, 10, { fd: -2, dirfd: AT_FDCWD, name: '/etc/shadow', flags: 1, mode: 0, dev: 0 });
    parser.process(failed);
    expect(get(failed, 'fd.name')).toBe('/etc/shadow');
    expect(get(failed, 'evt.res')).toBe('ENOENT');
    expect(get(failed, 'evt.failed')).toBe(true);
    expect(get(failed, 'fd.num')).toBe(-1);
  });

  it('names a connected socket by its tuple and exposes its ends', () => {
    const { ctx, parser } = world();
    parser.process(ev(ctx, SOCKET_E, 10, { domain: 2, type: 1, proto: 0 }));
    const s = ev(ctx, SOCKET_X, 10, { fd: 3 });
    parser.process(s);
    expect(get(s, 'fd.type')).toBe('ipv4');
    expect(get(s, 'fd.sip')).toBeUndefined();
    parser.process(ev(ctx, CONNECT_E, 10, { fd: 3, addr: { family: 'inet', ip: '10.0.0.9', port: 4444 } }));
    const c = ev(ctx, CONNECT_X, 10, { res: 0, tuple: { family: 'inet', sip: '10.0.0.2', sport: 50000, dip: '10.0.0.9', dport: 4444 } });
    parser.process(c);
    expect(get(c, 'fd.name')).toBe('10.0.0.2:50000->10.0.0.9:4444');
    expect(get(c, 'fd.sip')).toBe('10.0.0.9');
    expect(get(c, 'fd.sport')).toBe(4444);
    expect(get(c, 'fd.rport')).toBe(4444);
    expect(get(c, 'fd.lport')).toBe(50000);
    expect(get(c, 'fd.l4proto')).toBe('tcp');
    expect(get(c, 'fd.sockfamily')).toBe('ip');
    expect(get(c, 'fd.connected')).toBe(true);
    expect(get(c, 'fd.num')).toBe(3);
  });

  it('drops a thread after its procexit event', () => {
    const { ctx, parser } = world();
    const exit = ev(ctx, PROCEXIT_E, 10, { status: 0, ret: 0, sig: 0, core: 0 });
    parser.process(exit);
    expect(get(exit, 'proc.name')).toBe('sshd');
    parser.process(ev(ctx, SOCKET_E, 1, { domain: 1, type: 1, proto: 0 }));
    expect(ctx.threads.get(10)).toBeUndefined();
  });

  it('never invents values for events of unknown threads', () => {
    const { ctx, parser } = world();
    const e = ev(ctx, SOCKET_E, 999, { domain: 2, type: 1, proto: 0 });
    parser.process(e);
    expect(get(e, 'proc.name')).toBeUndefined();
    expect(get(e, 'proc.pname')).toBeUndefined();
    expect(get(e, 'user.name')).toBeUndefined();
    expect(get(e, 'thread.tid')).toBe(999);
  });
});

describe('state helpers', () => {
  it('finds container ids the way libsinsp does', () => {
    const id = '3b0d14b1c7c1e8f3c5ed4e0c1c0f8b8a3d5a5cdc5c3e2e1f0a9b8c7d6e5f4a3b';
    expect(containerIdFromCgroupPath(`/docker/${id}`)).toBe('3b0d14b1c7c1');
    expect(containerIdFromCgroupPath(`/system.slice/docker-${id}.scope`)).toBe('3b0d14b1c7c1');
    expect(containerIdFromCgroupPath(`/kubepods/besteffort/pod1/crio-${id}.scope`)).toBe('3b0d14b1c7c1');
    expect(containerIdFromCgroupPath(`/kubepods.slice/cri-containerd-${id}.scope`)).toBe('3b0d14b1c7c1');
    expect(containerIdFromCgroupPath('/user.slice/user-1000.slice/session-2.scope')).toBeUndefined();
    expect(containerIdFromCgroupPath(`/system.slice/docker-${id.slice(1)}.scope`)).toBeUndefined();
  });

  it('renders flags with libsinsp matching rules', () => {
    const file = FLAG_TABLES.file_flags ?? [];
    expect(renderFlags(1 | 4096, file)).toBe('O_RDONLY|O_CLOEXEC');
    expect(renderFlags(3 | 4 | 256, file)).toBe('O_TRUNC|O_CREAT|O_RDWR');
    expect(renderFlags(0, file)).toBe('O_NONE');
    expect(capsToString(0b1000000000000000000001n)).toBe('CAP_CHOWN CAP_SYS_ADMIN');
  });
});

describe('old enter/exit layouts', () => {
  it('reads parameters a split exit lacks from its enter event, and marks exits as the rule events', () => {
    const ctx = createContext();
    const parser = new StateParser(ctx);
    const t = blankThread(5);
    Object.assign(t, { comm: 'cat', cwd: '/' });
    ctx.threads.set(t);
    // PPME_SYSCALL_OPENAT_E/X (102/103): the old exit carries only the fd.
    const enter = ev(ctx, 102, 5, { dirfd: -100, name: '/etc/shadow', flags: 1, mode: 0 });
    const exit = ev(ctx, 103, 5, { fd: 3 });
    parser.process(enter);
    parser.process(exit);
    expect(get(exit, 'evt.arg', 'name')).toBe('/etc/shadow');
    expect(get(exit, 'evt.arg', 'flags')).toBe('O_RDONLY');
    expect(get(exit, 'evt.is_open_read')).toBe(true);
    expect(get(exit, 'fd.name')).toBe('/etc/shadow');
    expect(isRuleEvent(exit.layout)).toBe(true);
    expect(isRuleEvent(enter.layout)).toBe(false);
    expect(isRuleEvent(layoutOf(186)!)).toBe(true); // procexit has no exit event
  });
});
