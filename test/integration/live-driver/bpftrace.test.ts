import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingDriver, type RecordingDriver } from '../../support/recording-driver.js';
import { waitFor } from '../../support/wait.js';
import type { BpftraceDriver} from '../../../detector/sources/live/index.js';
import { livePreflight, type LiveRecord, type LiveSyscall } from '../../../detector/sources/live/index.js';

/*
 * The live driver against this machine's real kernel: start bpftrace, do real things in child
 * processes, and find them among the records. CI runs as root on a kernel with BTF; the preflight
 * test fails loudly if that ever stops being true.
 */

const run = promisify(execFile);
let live: RecordingDriver;
let records: LiveRecord[];
let driver: BpftraceDriver;
let dir: string;

const until = <T>(find: () => T | undefined, what: string, limitMs = 20_000): Promise<T> => waitFor(find, what, { limitMs });

/** The first syscall record of `pid` named `name` that passes `also`. */
function findSyscall(pid: number | undefined, name: string, also: (r: LiveSyscall) => boolean = () => true): LiveSyscall | undefined {
  return records.find((r): r is LiveSyscall => r.kind === 'syscall' && r.pid === pid && r.syscall === name && also(r));
}

beforeAll(async () => {
  live = await startRecordingDriver({ syscalls: ['openat', 'connect', 'execve', 'unlinkat', 'fchmodat', 'chmod'] }, 'saker-live-');
  ({ driver, records, dir } = live);
}, 90_000);

afterAll(() => live.stop());

describe('live bpftrace driver on this kernel', () => {
  it('has what it needs here: root, BTF, bpftrace, tracefs', () => {
    expect(livePreflight()).toEqual([]);
  });

  it('sees a program start, with its path, arguments and parent', async () => {
    const file = join(dir, 'hello.txt');
    writeFileSync(file, 'hello');
    const child = execFile('/bin/cat', [file]);
    await new Promise((resolve) => child.on('close', resolve));
    const exec = await until(() => findSyscall(child.pid, 'execve'), 'the execve');
    expect(exec.ret).toBe(0);
    expect(exec.exec).toEqual({ path: '/bin/cat', argv: ['/bin/cat', file] });
    expect(exec.comm).toBe('cat');
    expect(exec.ppid).toBe(process.pid);
    const open = await until(() => findSyscall(child.pid, 'openat', (r) => r.args.get(1) === file), 'the openat');
    expect(open.ret).toBeGreaterThanOrEqual(0);
    expect(open.args.get(0)).toBe(-100); // AT_FDCWD, sign kept
    const fork = await until(() => records.find((r) => r.kind === 'fork' && r.childTid === child.pid), 'the fork');
    expect(fork).toMatchObject({ parentTid: process.pid, thread: false });
    await until(() => records.find((r) => r.kind === 'exit' && r.tid === child.pid), 'the exit');
  });

  it('sees a program started by a thread other than the leader, which takes the leader’s thread id', async () => {
    const script = "import os, threading, time\nthreading.Thread(target=lambda: os.execv('/bin/echo', ['/bin/echo', 'from-a-thread'])).start()\ntime.sleep(10)";
    const child = execFile('python3', ['-c', script]);
    await new Promise((resolve) => child.on('close', resolve));
    const exec = await until(() => findSyscall(child.pid, 'execve', (r) => r.exec?.argv.includes('from-a-thread') === true), 'the execve from a thread');
    expect(exec).toMatchObject({ tid: child.pid, ret: 0, comm: 'echo' });
    expect(exec.exec?.path).toMatch(/\/echo$/);
  });

  it('tells a new thread from a new process by its clone flags', async () => {
    const child = execFile('python3', ['-c', 'import threading; t = threading.Thread(target=print); t.start(); t.join()']);
    await new Promise((resolve) => child.on('close', resolve));
    // python3 may be a shell shim that forks helpers before it execs the interpreter (same pid).
    const thread = await until(() => records.find((r) => r.kind === 'fork' && r.parentTid === child.pid && r.comm === 'python3'), 'the thread');
    expect(thread).toMatchObject({ thread: true });
  });

  it('reports a file name with a newline and quotes exactly, without forging lines', async () => {
    const file = join(dir, 'we"ird\nname\\x41\ttab');
    writeFileSync(file, 'x');
    const child = execFile('/bin/cat', [file]);
    await new Promise((resolve) => child.on('close', resolve));
    const open = await until(() => findSyscall(child.pid, 'openat', (r) => r.args.get(1) === file), 'the openat');
    expect(open.args.get(1)).toBe(file);
    expect(driver.stats.malformed).toBe(0);
  });

  it('sees an outbound connection with its address and port', async () => {
    const server: Server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const script = `import socket; s = socket.create_connection(("127.0.0.1", ${port})); s.close()`;
    const child = execFile('python3', ['-c', script]);
    await new Promise((resolve) => child.on('close', resolve));
    server.close();
    // Name lookups may connect to a unix socket first (nscd, systemd-resolved): find the inet one.
    const toServer = (r: LiveSyscall): boolean => (r.args.get(1) as { family?: string } | undefined)?.family === 'inet';
    const connect = await until(() => findSyscall(child.pid, 'connect', toServer), 'the connect');
    expect(connect.ret).toBe(0);
    expect(connect.args.get(1)).toEqual({ family: 'inet', ip: '127.0.0.1', port });
  });

  it('sees chmod and unlink with their paths and modes', async () => {
    const file = join(dir, 'victim');
    writeFileSync(file, 'x');
    const { stdout } = await run('sh', ['-c', `chmod 4755 '${file}' && rm '${file}' && echo $$`]);
    const shellPid = Number(stdout.trim());
    // Only exec records carry the parent: find the shell's children by their forks.
    const childOfShell = (pid: number) => records.some((r) => r.kind === 'fork' && r.parentTid === shellPid && r.childTid === pid);
    const chmod = await until(
      () => records.find((r): r is LiveSyscall => r.kind === 'syscall' && childOfShell(r.pid) && r.syscall === 'fchmodat' && r.args.get(1) === file),
      'the chmod',
    );
    expect((chmod.args.get(2) as number) & 0o7777).toBe(0o4755);
    const unlink = await until(
      () => records.find((r): r is LiveSyscall => r.kind === 'syscall' && childOfShell(r.pid) && r.syscall === 'unlinkat' && r.args.get(1) === file),
      'the unlink',
    );
    expect(unlink.ret).toBe(0);
  });
});
