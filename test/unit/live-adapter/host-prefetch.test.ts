// The live detector's /proc facts, read ahead off the event loop: each record is handled in order
// with the facts read for it, a record whose facts are still on their way holds back the ones behind
// it (while the event loop keeps running), and a process that is gone, or a read that never ends,
// leaves those facts absent and counted, never invented and never a crash.
import { execFileSync } from 'node:child_process';
import { constants, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { blankThread, ThreadTable } from '../../../detector/state/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallContext, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import {
  hostQueries,
  LiveEventAdapter,
  MonotonicClock,
  PrefetchingHostFacts,
  ProcHostFacts,
  WorkerProcFiles,
  type HostFacts,
  type LiveRecord,
  type LiveSockAddr,
  type LiveSyscall,
  type PrefetchOptions,
} from '../../../detector/sources/live/index.js';
import { DetectorMetrics } from '../../../detector/metrics.js';
import type { EmitterStats } from '../../../detector/emit/index.js';
import { waitFor } from '../../support/wait.js';

const LINK: EmitterStats = { sent: 0, dropped: 0, rejected: 0, failedAttempts: 0, queued: 0 };

const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const CONTROLLERS = ['cpu', 'memory'];
const scratch = mkdtempSync(join(tmpdir(), 'saker-host-prefetch-'));
const fifos: string[] = [];
afterAll(async () => {
  // Release a thread-pool thread still blocked opening a FIFO nobody wrote (ENXIO: no reader waits).
  for (const fifo of fifos) await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((f) => f.close(), () => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

/** A /proc/<pid> entry: cgroup, cwd, environ (or a FIFO standing for a read that blocks), stat. */
function procEntry(root: string, pid: number, opts: { cgroup?: string; environ?: string | 'fifo'; bare?: boolean } = {}): string {
  const dir = join(root, String(pid));
  mkdirSync(join(dir, 'fd'), { recursive: true });
  mkdirSync(join(dir, 'net'), { recursive: true });
  writeFileSync(join(dir, 'cgroup'), `0::${opts.cgroup ?? `/system.slice/docker-${ID}.scope`}\n`);
  if (opts.bare) return dir;
  symlinkSync('/srv/app', join(dir, 'cwd'));
  writeFileSync(join(dir, 'stat'), `${pid} (my (odd) sh) S 100 ${pid} 77 34817 -1 0\n`);
  if (opts.environ === 'fifo') {
    execFileSync('mkfifo', [join(dir, 'environ')]);
    fifos.push(join(dir, 'environ'));
  } else writeFileSync(join(dir, 'environ'), opts.environ ?? 'HOME=/root\0TERM=xterm\0');
  return dir;
}

/** A connected TCP socket of `pid` on fd `fd`: 10.0.0.5:40000 -> 10.1.2.3:443. */
function socketEntry(dir: string, fd: number): void {
  symlinkSync('socket:[777]', join(dir, 'fd', String(fd)));
  writeFileSync(
    join(dir, 'net', 'tcp'),
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      '   0: 0500000A:9C40 0302010A:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 20 4 30 10 -1\n',
  );
}

function get(e: SyscallEvent | undefined, name: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec || !e) throw new Error(`no field ${name} or no event`);
  return spec.bind(undefined)(e);
}

function context(): SyscallContext {
  const ctx = createContext({ threads: new ThreadTable() });
  const bash = blankThread(100);
  Object.assign(bash, { ptid: 1, comm: 'bash', exe: '-bash', exepath: '/usr/bin/bash', cwd: '/home/alice/', uid: 1000, gid: 1000, loginuid: 1000, env: ['USER=alice'] });
  ctx.threads.set(bash);
  return ctx;
}

let ktime = 1_000n;
function sys(syscall: string, tid: number, ret: number, args: LiveSyscall['args'], extra: Partial<LiveSyscall> = {}): LiveSyscall {
  ktime += 1_000n;
  return { kind: 'syscall', syscall, tid, pid: tid, ppid: 100, uid: 0, gid: 0, loginuid: 1000, ret, ktime, comm: 'bash', args, ...extra };
}
const fork = (child: number): LiveRecord => ({ kind: 'fork', parentTid: 100, childTid: child, ktime: (ktime += 1000n), comm: 'bash', thread: false });
const exec = (pid: number): LiveRecord => sys('execve', pid, 0, new Map([[0, '/bin/sh']]), { comm: 'sh', exec: { path: '/bin/sh', argv: ['sh', '-c', 'id'] } });
const connect = (pid: number, fd: number): LiveRecord => sys('connect', pid, 0, new Map<number, number | LiveSockAddr>([[0, fd], [1, { family: 'inet', ip: '10.1.2.3', port: 443 }]]));
const openat = (pid: number): LiveRecord => sys('openat', pid, 3, new Map<number, number | string>([[0, -100], [1, '/etc/hosts'], [2, 0], [3, 0]]));

/** The fields rules read, per record, after adapting with `host` and updating state. */
function pipeline(host: HostFacts, ctx = context()) {
  const parser = new StateParser(ctx);
  const adapter = new LiveEventAdapter(ctx, { clock: new MonotonicClock(0n), host });
  const handled: { record: LiveRecord; fields: Record<string, unknown> }[] = [];
  const handle = (record: LiveRecord): void => {
    let last: SyscallEvent | undefined;
    for (const e of adapter.adapt(record)) {
      parser.process(e);
      if (isRuleEvent(e.layout)) last = e;
    }
    const fields = Object.fromEntries(['evt.type', 'proc.pid', 'proc.cwd', 'proc.env', 'proc.tty', 'container.id', 'fd.name'].map((f) => [f, last ? get(last, f) : undefined]));
    handled.push({ record, fields });
  };
  return { ctx, handled, handle };
}

function prefetching(root: string, options: PrefetchOptions = {}) {
  const ctx = context();
  const facts = new PrefetchingHostFacts(ctx, { procRoot: root, cgroupControllers: CONTROLLERS, ...options });
  return { facts, ...pipeline(facts, ctx) };
}

/**
 * A source of record batches the test feeds by hand, as the driver's `batches()`: each `push` is one
 * batch; `pulled` counts the batches the consumer has taken.
 */
function feed() {
  const queue: LiveRecord[][] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const state = { pulled: 0 };
  async function* records(): AsyncGenerator<LiveRecord[]> {
    for (;;) {
      const next = queue.shift();
      if (next) {
        state.pulled++;
        yield next;
      } else if (ended) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    records: records(),
    state,
    push: (...rs: LiveRecord[]) => {
      queue.push(rs);
      poke();
    },
    end: () => {
      ended = true;
      poke();
    },
  };
}

/** The records as batches of `size` (one record each by default). */
async function* list(records: LiveRecord[], size = 1): AsyncGenerator<LiveRecord[]> {
  for (let i = 0; i < records.length; i += size) yield records.slice(i, i + size);
}

describe('host facts read ahead of the live records', () => {
  it('gives each record the same facts the synchronous reads gave, in record order', async () => {
    const root = join(scratch, 'same');
    procEntry(root, 400);
    socketEntry(procEntry(root, 500, { cgroup: '/user.slice/user-1000.slice/session-2.scope' }), 5);
    const records = [fork(400), exec(400), openat(400), fork(500), connect(500, 5), exec(500)];

    const sync = pipeline(new ProcHostFacts(root, CONTROLLERS));
    for (const r of records) sync.handle(r);
    const ahead = prefetching(root);
    await ahead.facts.drain(list(records), ahead.handle);

    expect(ahead.handled.map((h) => h.record)).toEqual(records);
    expect(ahead.handled.map((h) => h.fields)).toEqual(sync.handled.map((h) => h.fields));
    // The facts themselves, not just agreement: the exec sees its container, cwd, env and tty.
    // (An exec keeps the cwd its process had: the parser takes it from the fork, not the exec.)
    expect(ahead.handled[1]?.fields).toMatchObject({ 'evt.type': 'execve', 'container.id': ID.slice(0, 12), 'proc.env': 'HOME=/root TERM=xterm', 'proc.tty': 34817 });
    expect(ahead.handled[4]?.fields['fd.name']).toBe('10.0.0.5:40000->10.1.2.3:443');
    expect(ahead.handled[5]?.fields['container.id']).toBe('host');
    expect(ahead.facts.stats).toMatchObject({ prepared: 3, lookups: 3, vanished: 0, timedOut: 0, unprepared: 0 });
  });

  it('holds the records behind one whose facts are being read, while the event loop keeps running', async () => {
    const root = join(scratch, 'slow');
    procEntry(root, 600, { environ: 'fifo' });
    const { facts, handled, handle } = prefetching(root, { deadlineMs: 60_000 });
    const source = feed();
    const done = facts.drain(source.records, handle);

    source.push(openat(100), fork(600), exec(600), openat(600), openat(100));
    // This test runs on while the environ read is stuck: the loop is not blocked. Nothing past the
    // exec is handled before its facts are in, though the later records need none.
    await waitFor(() => facts.heldCount === 3, 'the exec and the two records behind it to be held');
    expect(handled.map((h) => h.fields['evt.type'])).toEqual(['openat', 'clone']);

    const writer = await open(join(root, '600', 'environ'), 'w');
    await writer.write('SECRET_MODE=on\0');
    await writer.close();
    await waitFor(() => handled.length === 5, 'the held records to be handled');
    expect(handled.map((h) => [h.fields['evt.type'], h.fields['proc.pid']])).toEqual([['openat', 100], ['clone', 600], ['execve', 600], ['openat', 600], ['openat', 100]]);
    expect(handled[2]?.fields).toMatchObject({ 'proc.env': 'SECRET_MODE=on', 'container.id': ID.slice(0, 12) });
    expect(handled[3]?.fields['container.id']).toBe(ID.slice(0, 12));
    source.end();
    await done;
    expect(facts.stats).toMatchObject({ waits: 1, timedOut: 0, unprepared: 0 });
  });

  it('stops reading records while the window is full, and goes on when it drains', async () => {
    const root = join(scratch, 'window');
    procEntry(root, 610, { environ: 'fifo' });
    const { facts, handled, handle } = prefetching(root, { window: 3, deadlineMs: 60_000 });
    const source = feed();
    const done = facts.drain(source.records, handle);
    for (const r of [exec(610), openat(100), openat(100), openat(100), openat(100), openat(100)]) source.push(r);
    await waitFor(() => facts.heldCount === 3, 'the window to fill');
    // Give the reader every chance to take more: it must not while the window is full.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(source.state.pulled).toBe(3);
    expect(handled).toHaveLength(0);

    const writer = await open(join(root, '610', 'environ'), 'w');
    await writer.close();
    source.end();
    await done;
    expect(handled).toHaveLength(6);
    expect(facts.stats.maxHeld).toBe(3);
  });

  it('holds no more than the window when one batch brings more records, and keeps their order', async () => {
    const root = join(scratch, 'window-batch');
    procEntry(root, 640, { environ: 'fifo' });
    const { facts, handled, handle } = prefetching(root, { window: 3, deadlineMs: 60_000 });
    const source = feed();
    const done = facts.drain(source.records, handle);
    source.push(openat(100), exec(640), openat(640), openat(100), openat(100), openat(100));
    source.push(openat(100));
    // The openat before the exec goes through; the exec waits for its facts with two behind it.
    await waitFor(() => facts.heldCount === 3, 'the window to fill');
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(facts.heldCount).toBe(3);
    expect(source.state.pulled).toBe(1);
    expect(handled.map((h) => h.fields['evt.type'])).toEqual(['openat']);

    const writer = await open(join(root, '640', 'environ'), 'w');
    await writer.close();
    source.end();
    await done;
    expect(handled.map((h) => [h.fields['evt.type'], h.fields['proc.pid']])).toEqual([
      ['openat', 100], ['execve', 640], ['openat', 640], ['openat', 100], ['openat', 100], ['openat', 100], ['openat', 100],
    ]);
    expect(facts.stats.maxHeld).toBe(3);
  });

  it('handles the records of one batch without an await between them', async () => {
    const { facts, handled, handle } = prefetching(join(scratch, 'none'));
    // A microtask queued while handling the first record runs only once the batch is done: the
    // records of a read cost no promise each.
    let turned = false;
    const turnedAt: boolean[] = [];
    await facts.drain(list([openat(100), openat(100), openat(100), openat(100)], 4), (r) => {
      if (turnedAt.length === 0) void Promise.resolve().then(() => (turned = true));
      turnedAt.push(turned);
      handle(r);
    });
    expect(turnedAt).toEqual([false, false, false, false]);
    expect(handled).toHaveLength(4);
  });

  it('gives up on a read that does not finish by the deadline: the facts are absent and counted, and a new reader takes over', async () => {
    const root = join(scratch, 'deadline');
    procEntry(root, 620, { environ: 'fifo' });
    procEntry(root, 630);
    const { facts, handled, handle } = prefetching(root, { deadlineMs: 500 });
    const source = feed();
    await facts.readerReady();
    const done = facts.drain(source.records, handle);
    source.push(fork(620), exec(620), openat(620));
    await waitFor(() => handled.length === 3, 'the records behind the stuck read');
    // The whole process lookup missed its deadline, so the exec carries no cgroups, env or tty: the
    // thread keeps what its fork gave it (the parent's), as when the process is gone; the FIFO's
    // content can never show up.
    expect(handled[1]?.fields).toMatchObject({ 'evt.type': 'execve', 'proc.env': 'USER=alice', 'container.id': 'host' });
    expect(facts.stats).toMatchObject({ timedOut: 1, readerRestarts: 1, vanished: 0 });

    // The stuck read still holds the old worker; lookups after it are answered by a new one.
    await facts.readerReady();
    source.push(fork(630), exec(630));
    source.end();
    await done;
    expect(handled[4]?.fields).toMatchObject({ 'evt.type': 'execve', 'container.id': ID.slice(0, 12), 'proc.env': 'HOME=/root TERM=xterm' });
    expect(facts.stats).toMatchObject({ timedOut: 1, readerRestarts: 1, lookups: 2 });
  });

  it('counts a process that is gone, or half gone, and handles its records without those facts', async () => {
    const root = join(scratch, 'gone');
    mkdirSync(root, { recursive: true });
    procEntry(root, 710, { bare: true, cgroup: `/kubepods/besteffort/pod1/crio-${ID}` });
    const { facts, handled, handle } = prefetching(root);
    await facts.drain(list([fork(700), exec(700), connect(700, 9), fork(710), exec(710)]), handle);
    expect(handled.map((h) => h.fields['evt.type'])).toEqual(['clone', 'execve', 'connect', 'clone', 'execve']);
    expect(handled[1]?.fields).toMatchObject({ 'proc.cwd': '/home/alice/', 'proc.env': 'USER=alice', 'container.id': 'host' });
    expect(handled[2]?.fields['fd.name']).toBe('0.0.0.0:0->10.1.2.3:443');
    // 710 still had its cgroup file, but not the rest: what was read is used, the rest is absent.
    expect(handled[4]?.fields).toMatchObject({ 'container.id': ID.slice(0, 12), 'proc.env': 'USER=alice' });
    expect(facts.stats).toMatchObject({ lookups: 3, vanished: 3, unprepared: 0 });
    // The misses reach the detector's metrics.
    const metrics = new DetectorMetrics(() => ({ records: 0, events: {}, kernelDrops: 0, malformedLines: 0, adapterErrors: 0, link: LINK, hostFacts: facts.stats }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('saker_detector_host_fact_misses_total{cause="vanished"} 3');
    expect(text).toContain('saker_detector_host_fact_misses_total{cause="timed_out"} 0');
  });

  it('reads files and links on a worker, says which are gone, and answers what it owes when closed', async () => {
    const root = join(scratch, 'files');
    const dir = procEntry(root, 900, { environ: 'fifo' });
    const files = new WorkerProcFiles();
    try {
      expect(await files.read([['text', join(dir, 'stat')], ['link', join(dir, 'cwd')], ['text', join(dir, 'missing')]])).toEqual([
        { ok: true, value: '900 (my (odd) sh) S 100 900 77 34817 -1 0\n' },
        { ok: true, value: '/srv/app' },
        { ok: false, code: 'ENOENT' },
      ]);
      // A read that never returns (the FIFO), then close: it is answered, not left hanging.
      const stuck = files.read([['text', join(dir, 'environ')]]);
      await new Promise((resolve) => setImmediate(resolve));
      files.close();
      expect(await stuck).toEqual([{ ok: false, code: 'ECLOSED' }]);
      // Reading again starts a new worker.
      expect(await files.read([['link', join(dir, 'cwd')]])).toEqual([{ ok: true, value: '/srv/app' }]);
    } finally {
      files.close();
    }
  });

  it('answers a question no record announced with "unknown", without reading /proc', () => {
    const root = join(scratch, 'unannounced');
    procEntry(root, 800);
    const facts = new PrefetchingHostFacts(context(), { procRoot: root, cgroupControllers: CONTROLLERS });
    expect(facts.process(800)).toEqual({});
    expect(facts.socketEnd(800, 3, { family: 'inet', ip: '10.0.0.1', port: 1 })).toBeUndefined();
    expect(facts.stats.unprepared).toBe(2);
  });

  it('rejects with the error the handler throws, after handling the records before it', async () => {
    const { facts } = prefetching(join(scratch, 'none'));
    const seen: LiveRecord[] = [];
    const boom = new Error('handler failed');
    const records = [openat(100), openat(100), openat(100)];
    await expect(
      facts.drain(list(records), (r) => {
        seen.push(r);
        if (seen.length === 2) throw boom;
      }),
    ).rejects.toBe(boom);
    expect(seen).toHaveLength(2);
  });

  it('announces exactly the lookups the adapter makes', () => {
    const ctx = context();
    expect(hostQueries(openat(100), ctx)).toEqual([]);
    expect(hostQueries({ kind: 'exit', tid: 5, pid: 5, ktime: 1n }, ctx)).toEqual([]);
    expect(hostQueries(exec(5), ctx)).toEqual([{ kind: 'process', pid: 5 }]);
    expect(hostQueries(connect(5, 4), ctx)).toEqual([{ kind: 'socket', pid: 5, fd: 4, like: { family: 'inet', ip: '10.1.2.3', port: 443 } }]);
    const unixConnect = sys('connect', 5, 0, new Map<number, number | LiveSockAddr>([[0, 4], [1, { family: 'unix', path: '/run/x.sock' }]]));
    expect(hostQueries(unixConnect, ctx)).toEqual([]);
    const accept = sys('accept4', 5, 9, new Map<number, number | LiveSockAddr>([[0, 3], [1, 0], [2, { family: 'inet6', ip: '::1', port: 5 }]]));
    expect(hostQueries(accept, ctx)).toEqual([{ kind: 'socket', pid: 5, fd: 9, like: { family: 'inet6', ip: '::1', port: 5 } }]);
    expect(hostQueries({ ...accept, ret: -11 }, ctx)).toEqual([]);
    // A fork says whether the child is a thread; only a thread of an unknown parent needs /proc.
    expect(hostQueries(fork(5), ctx)).toEqual([]);
    expect(hostQueries({ kind: 'fork', parentTid: 100, childTid: 6, ktime: 1n, comm: 'x', thread: true }, ctx)).toEqual([]);
    expect(hostQueries({ kind: 'fork', parentTid: 99, childTid: 6, ktime: 1n, comm: 'x', thread: true }, ctx)).toEqual([{ kind: 'tgid', tid: 6 }]);
    expect(hostQueries({ kind: 'fork', parentTid: 100, childTid: 6, ktime: 1n, comm: 'x' }, ctx)).toEqual([{ kind: 'tgid', tid: 6 }]);
  });
});
