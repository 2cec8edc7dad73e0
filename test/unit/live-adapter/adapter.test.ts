// Live records as the detector sees them: each hand-built LiveRecord goes through the adapter and the
// state parser, and the fields rules read must come out as Falco would print them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { blankThread, ThreadTable } from '../../../detector/state/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallContext, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { LiveEventAdapter, MonotonicClock, type LiveRecord, type LiveSockAddr, type LiveSyscall } from '../../../detector/sources/live/index.js';

const AT_FDCWD = -100;
// Kernel (asm-generic) open flags, as the tracepoint reports them.
const O_WRONLY = 0o1;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_CLOEXEC = 0o2000000;
const OFFSET = 1_700_000_000_000_000_000n;

const scratch = mkdtempSync(join(tmpdir(), 'saker-live-adapter-'));
// No /proc entries for the made-up pids: the adapter must cope with processes already gone.
const noProc = join(scratch, 'no-proc');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function get(e: SyscallEvent | undefined, name: string, arg?: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec || !e) throw new Error(`no field ${name} or no event`);
  return spec.bind(arg)(e);
}

interface World {
  ctx: SyscallContext;
  /** Adapts and processes a record, returning the event rules would see. */
  feed: (r: LiveRecord) => SyscallEvent | undefined;
}

function world(procRoot = noProc): World {
  const ctx = createContext({ threads: new ThreadTable() });
  const bash = blankThread(100);
  Object.assign(bash, { ptid: 1, comm: 'bash', exe: '-bash', exepath: '/usr/bin/bash', cwd: '/home/alice/', uid: 1000, gid: 1000, loginuid: 1000 });
  bash.fds.set(1, { type: 'file', name: '/dev/pts/0', openFlags: 3 });
  const init = blankThread(1);
  Object.assign(init, { ptid: 0, comm: 'systemd', exe: '/sbin/init', exepath: '/usr/lib/systemd/systemd', cwd: '/', uid: 0, gid: 0 });
  ctx.threads.set(init);
  ctx.threads.set(bash);
  const parser = new StateParser(ctx);
  const adapter = new LiveEventAdapter(ctx, { clock: new MonotonicClock(OFFSET), procRoot });
  return {
    ctx,
    feed: (r) => {
      const events = adapter.adapt(r);
      for (const e of events) parser.process(e);
      return events.filter((e) => isRuleEvent(e.layout)).at(-1);
    },
  };
}

let ktime = 1_000n;
function sys(syscall: string, tid: number, ret: number, args: LiveSyscall['args'], extra: Partial<LiveSyscall> = {}): LiveSyscall {
  ktime += 1_000n;
  return { kind: 'syscall', syscall, tid, pid: tid, ppid: 100, uid: 1000, gid: 1000, loginuid: 1000, ret, ktime, comm: 'bash', args, ...extra };
}

describe('live event adapter', () => {
  it('turns a truncating openat into an open-for-write of the resolved file, with Falco flag names', () => {
    const w = world();
    const e = w.feed(sys('openat', 100, 3, new Map<number, number | string>([[0, AT_FDCWD], [1, 'notes.txt'], [2, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC], [3, 0o644]])));
    expect(get(e, 'evt.type')).toBe('openat');
    expect(get(e, 'evt.dir')).toBe('<');
    expect(get(e, 'evt.is_open_write')).toBe(true);
    expect(get(e, 'evt.is_open_read')).toBe(false);
    expect(get(e, 'fd.name')).toBe('/home/alice/notes.txt');
    expect(get(e, 'fd.num')).toBe(3);
    const flags = String(get(e, 'evt.arg', 'flags'));
    expect(flags).toContain('O_TRUNC');
    expect(flags).toContain('O_CREAT');
    expect(flags).toContain('O_WRONLY');
    expect(flags).toContain('O_CLOEXEC');
    expect(get(e, 'evt.arg', 'mode')).toBe('0644');
    expect(get(e, 'evt.time.iso8601')).toBe('2023-11-14T22:13:20.000002000Z');
  });

  it('turns a connect into a client tuple: server address and port in fd.sip/fd.sport', () => {
    const w = world();
    w.feed(sys('socket', 100, 4, new Map([[0, 2], [1, 1], [2, 0]])));
    const e = w.feed(sys('connect', 100, 0, new Map<number, number | LiveSockAddr>([[0, 4], [1, { family: 'inet', ip: '10.1.2.3', port: 443 }]])));
    expect(get(e, 'evt.type')).toBe('connect');
    expect(get(e, 'fd.num')).toBe(4);
    expect(get(e, 'fd.type')).toBe('ipv4');
    expect(get(e, 'fd.sip')).toBe('10.1.2.3');
    expect(get(e, 'fd.sport')).toBe(443);
    expect(get(e, 'fd.l4proto')).toBe('tcp');
    // The process is gone from /proc here, so its own end is the unspecified address.
    expect(get(e, 'fd.name')).toBe('0.0.0.0:0->10.1.2.3:443');
  });

  it('follows fork, execve and exit: the child is named after its program, with its parent', () => {
    const w = world();
    const clone = w.feed({ kind: 'fork', parentTid: 100, childTid: 200, ktime: (ktime += 1000n), comm: 'bash' });
    expect(get(clone, 'evt.type')).toBe('clone');
    expect(get(clone, 'proc.name')).toBe('bash');
    expect(get(clone, 'proc.pid')).toBe(200);
    expect(get(clone, 'proc.pname')).toBe('bash');
    expect(get(clone, 'user.uid')).toBe(1000);
    const exec = w.feed(
      sys('execve', 200, 0, new Map([[0, 'cat']]), { comm: 'cat', exec: { path: '/usr/bin/cat', argv: ['cat', '/etc/hosts'] } }),
    );
    expect(get(exec, 'evt.type')).toBe('execve');
    expect(get(exec, 'proc.name')).toBe('cat');
    expect(get(exec, 'proc.exe')).toBe('cat');
    expect(get(exec, 'proc.exepath')).toBe('/usr/bin/cat');
    expect(get(exec, 'proc.cmdline')).toBe('cat /etc/hosts');
    expect(get(exec, 'proc.pname')).toBe('bash');
    expect(get(exec, 'proc.pexepath')).toBe('/usr/bin/bash');
    expect(get(exec, 'proc.aname', '2')).toBe('systemd');
    // Inherited from the parent at clone time, as libsinsp does.
    expect(get(exec, 'proc.cwd')).toBe('/home/alice/');
    expect(get(exec, 'user.loginuid')).toBe(1000);
    const open = w.feed(sys('openat', 200, 3, new Map<number, number | string>([[0, AT_FDCWD], [1, '/etc/hosts'], [2, 0], [3, 0]]), { comm: 'cat' }));
    expect(get(open, 'evt.is_open_read')).toBe(true);
    expect(get(open, 'proc.name')).toBe('cat');
    expect(get(open, 'fd.name')).toBe('/etc/hosts');
    const exit = w.feed({ kind: 'exit', tid: 200, pid: 200, ktime: (ktime += 1000n) });
    expect(get(exit, 'evt.type')).toBe('procexit');
    expect(get(exit, 'proc.name')).toBe('cat');
    // The thread is dropped once the next event is processed; a closed fd likewise.
    const close = w.feed(sys('close', 100, 0, new Map([[0, 1]])));
    expect(w.ctx.threads.get(200)).toBeUndefined();
    expect(get(close, 'fd.name')).toBe('/dev/pts/0');
    w.feed(sys('setgid', 100, 0, new Map([[0, 1000]])));
    expect(w.ctx.threads.get(100)?.fds.has(1)).toBe(false);
  });

  it('makes a new thread (per /proc Tgid) share its process fds and report its process', () => {
    const proc = join(scratch, 'proc-thread');
    mkdirSync(join(proc, '201'), { recursive: true });
    writeFileSync(join(proc, '201', 'status'), 'Name:\tworker\nTgid:\t100\nPid:\t201\n');
    const w = world(proc);
    const clone = w.feed({ kind: 'fork', parentTid: 100, childTid: 201, ktime: (ktime += 1000n), comm: 'bash' });
    expect(get(clone, 'evt.arg', 'flags')).toContain('CLONE_THREAD');
    expect(get(clone, 'proc.pid')).toBe(100);
    expect(get(clone, 'thread.tid')).toBe(201);
    const open = w.feed(sys('openat', 201, 5, new Map<number, number | string>([[0, AT_FDCWD], [1, '/tmp/x'], [2, 0], [3, 0]]), { pid: 100 }));
    expect(get(open, 'fd.name')).toBe('/tmp/x');
    expect(w.ctx.threads.get(100)?.fds.get(5)?.name).toBe('/tmp/x');
  });

  it('keeps what a child said about itself when its fork record arrives late', () => {
    const w = world();
    w.feed(sys('execve', 300, 0, new Map([[0, '/usr/bin/id']]), { comm: 'id', exec: { path: '/usr/bin/id', argv: ['id'] } }));
    const late = w.feed({ kind: 'fork', parentTid: 100, childTid: 300, ktime: (ktime += 1000n), comm: 'bash' });
    expect(late).toBeUndefined();
    const open = w.feed(sys('openat', 300, 3, new Map<number, number | string>([[0, AT_FDCWD], [1, '/etc/passwd'], [2, 0], [3, 0]])));
    expect(get(open, 'proc.name')).toBe('id');
    expect(get(open, 'proc.exepath')).toBe('/usr/bin/id');
  });

  it('turns an accept into a server-side tuple with the peer as client', () => {
    const w = world();
    const e = w.feed(sys('accept4', 100, 9, new Map<number, number | LiveSockAddr>([[0, 3], [1, 0x80000], [2, { family: 'inet', ip: '192.0.2.7', port: 50000 }]])));
    expect(get(e, 'evt.type')).toBe('accept');
    expect(get(e, 'fd.num')).toBe(9);
    expect(get(e, 'fd.cip')).toBe('192.0.2.7');
    expect(get(e, 'fd.cport')).toBe(50000);
    // The peer is not one of this host's addresses: it is the remote end (libsinsp's local/remote test).
    expect(get(e, 'fd.rip')).toBe('192.0.2.7');
  });

  it('renders kernel ptrace requests and mount flags with the names Falco rules test', () => {
    const w = world();
    const ptrace = w.feed(sys('ptrace', 100, 0, new Map([[0, 16], [1, 4242]])));
    expect(get(ptrace, 'evt.arg', 'request')).toBe('PTRACE_ATTACH');
    const seize = w.feed(sys('ptrace', 100, 0, new Map([[0, 0x4206], [1, 4242]])));
    expect(get(seize, 'evt.arg', 'request')).toBe('PTRACE_SEIZE');
    // MS_MGC_VAL | MS_BIND | MS_REC, as old callers still pass it.
    const mount = w.feed(sys('mount', 100, 0, new Map<number, number | string>([[0, '/src'], [1, '/dst'], [2, 'none'], [3, 0xc0ed0000 + 4096 + 16384]])));
    expect(get(mount, 'evt.rawarg', 'flags')).toBe(4096 + 16384);
    expect(get(mount, 'evt.arg', 'flags')).toBe('BIND|REC');
  });

  it('places a child in its container: inherited at fork, read from /proc at exec', () => {
    const id = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const proc = join(scratch, 'proc-container');
    mkdirSync(join(proc, '400'), { recursive: true });
    writeFileSync(join(proc, '400', 'cgroup'), `0::/system.slice/docker-${id}.scope\n`);
    writeFileSync(join(proc, '400', 'stat'), '400 (sh) S 100 400 77 34817 -1 0\n');
    const w = world(proc);
    const bash = w.ctx.threads.get(100);
    if (bash) Object.assign(bash, { cgroups: [['cpu', `/system.slice/docker-${id}.scope`]], containerId: id.slice(0, 12) });
    const clone = w.feed({ kind: 'fork', parentTid: 100, childTid: 400, ktime: (ktime += 1000n), comm: 'bash' });
    expect(get(clone, 'container.id')).toBe(id.slice(0, 12));
    if (bash) Object.assign(bash, { cgroups: [], containerId: 'host' });
    const exec = w.feed(sys('execve', 400, 0, new Map([[0, '/bin/sh']]), { comm: 'sh', exec: { path: '/bin/sh', argv: ['sh'] } }));
    expect(get(exec, 'container.id')).toBe(id.slice(0, 12));
    expect(get(exec, 'thread.cgroups')).toContain(`=/system.slice/docker-${id}.scope`);
    expect(get(exec, 'proc.tty')).toBe(34817);
  });

  it('reports dup2 as the dup of its old fd, as this driver generation did, keeping the fd tracked', () => {
    const w = world();
    const e = w.feed(sys('dup2', 100, 7, new Map([[0, 1], [1, 7]])));
    expect(get(e, 'evt.type')).toBe('dup');
    expect(get(e, 'fd.num')).toBe(7);
    expect(get(e, 'fd.name')).toBe('/dev/pts/0');
  });

  it('names syscalls the table has no layout for after themselves, as generic events', () => {
    const w = world();
    const e = w.feed(sys('getpid', 100, 100, new Map()));
    expect(get(e, 'evt.type')).toBe('getpid');
    expect(get(e, 'proc.name')).toBe('bash');
  });

  it('numbers events in order and keeps kernel spacing in their times', () => {
    const w = world();
    const a = w.feed(sys('setuid', 100, 0, new Map([[0, 0]])));
    const b = w.feed(sys('setuid', 100, 0, new Map([[0, 0]])));
    expect(Number(get(b, 'evt.num'))).toBeGreaterThan(Number(get(a, 'evt.num')));
    expect(b && a ? b.ts - a.ts : 0n).toBe(1000n);
    expect(get(b, 'user.uid')).toBe(0);
  });
});

describe('monotonic clock', () => {
  it('maps the monotonic clock onto the wall clock it was measured against', () => {
    const clock = new MonotonicClock();
    const before = BigInt(Date.now()) * 1_000_000n;
    const mapped = clock.toEpochNs(process.hrtime.bigint());
    const after = BigInt(Date.now()) * 1_000_000n;
    // Date.now() truncates to the millisecond: allow one either side.
    expect(mapped >= before - 1_000_000n && mapped <= after + 1_000_000n).toBe(true);
  });
});
