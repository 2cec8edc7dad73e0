// Seeding the thread table from /proc: a hand-made /proc tree with known answers (including entries
// that vanish mid-read), and this machine's real /proc, where the test process must find itself.
import { closeSync, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelOpenFlagsToPpm, parseHexEndpoint, seedFromProc, ThreadTable } from '../../../detector/state/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'saker-proc-seed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function stat(pid: number, comm: string, ppid: number, start: number): string {
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice num_threads itrealvalue starttime ...
  return `${pid} (${comm}) S ${ppid} ${pid} ${pid} 34816 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0\n`;
}

function fakeProcess(root: string, pid: number, comm: string, opts: { tids?: number[]; start?: number } = {}): string {
  const dir = join(root, String(pid));
  mkdirSync(join(dir, 'fd'), { recursive: true });
  mkdirSync(join(dir, 'fdinfo'), { recursive: true });
  mkdirSync(join(dir, 'net'), { recursive: true });
  mkdirSync(join(dir, 'ns'), { recursive: true });
  writeFileSync(join(dir, 'status'), `Name:\t${comm}\nTgid:\t${pid}\nPPid:\t1\nUid:\t1000\t1001\t1000\t1000\nGid:\t100\t101\t100\t100\n`);
  writeFileSync(join(dir, 'stat'), stat(pid, comm, 1, opts.start ?? 500));
  writeFileSync(join(dir, 'cmdline'), `/usr/bin/${comm}\0--flag\0value\0`);
  writeFileSync(join(dir, 'loginuid'), '1000');
  writeFileSync(join(dir, 'environ'), 'HOME=/home/a\0PATH=/bin\0');
  writeFileSync(join(dir, 'cgroup'), '0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n');
  symlinkSync(`/usr/bin/${comm}`, join(dir, 'exe'));
  symlinkSync('/srv/app', join(dir, 'cwd'));
  symlinkSync('net:[4026531840]', join(dir, 'ns', 'net'));
  for (const tid of opts.tids ?? [pid]) {
    const t = join(dir, 'task', String(tid));
    mkdirSync(t, { recursive: true });
    writeFileSync(join(t, 'status'), `Name:\t${tid === pid ? comm : 'worker'}\nTgid:\t${pid}\nPPid:\t1\nUid:\t1000\t1001\t1000\t1000\nGid:\t100\t101\t100\t100\n`);
    writeFileSync(join(t, 'stat'), stat(tid, tid === pid ? comm : 'worker', 1, opts.start ?? 500));
  }
  return dir;
}

describe('proc seed', () => {
  it('builds processes, threads and fds from a /proc tree, and skips what vanished', () => {
    const root = join(scratch, 'proc');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'stat'), 'cpu 1 2 3\nbtime 1700000000\n');
    const app = fakeProcess(root, 42, 'app', { tids: [42, 43] });
    symlinkSync('/var/log/app.log', join(app, 'fd', '3'));
    writeFileSync(join(app, 'fdinfo', '3'), 'pos:\t0\nflags:\t02102001\nmnt_id:\t1\n');
    symlinkSync('socket:[9001]', join(app, 'fd', '4'));
    symlinkSync('socket:[9002]', join(app, 'fd', '5'));
    symlinkSync('pipe:[777]', join(app, 'fd', '6'));
    symlinkSync('anon_inode:[eventpoll]', join(app, 'fd', '7'));
    writeFileSync(
      join(app, 'net', 'tcp'),
      [
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
        '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 9001 1',
        '   1: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 9002 1',
      ].join('\n'),
    );
    // A process whose entry disappeared after the directory was listed: only a dangling directory.
    mkdirSync(join(root, '77'));
    // A thread that exited between listing the tasks and reading them.
    mkdirSync(join(app, 'task', '44'));

    const threads = new ThreadTable();
    const counts = seedFromProc({ threads }, root, ['cpu', 'memory']);
    expect(counts).toEqual({ processes: 1, threads: 2, fds: 5, skipped: 2 });
    const t = threads.get(42);
    expect(t).toMatchObject({
      pid: 42,
      ptid: 1,
      comm: 'app',
      exe: '/usr/bin/app',
      exepath: '/usr/bin/app',
      args: ['--flag', 'value'],
      cwd: '/srv/app/',
      env: ['HOME=/home/a', 'PATH=/bin'],
      containerId: '0123456789ab',
      uid: 1001,
      gid: 101,
      loginuid: 1000,
      tty: 34816,
      cloneTs: 1_700_000_005_000_000_000n,
    });
    expect(t?.cgroups.map(([c]) => c)).toEqual(['cpu', 'memory']);
    expect(threads.get(43)).toMatchObject({ pid: 42, ptid: 42, comm: 'worker' });
    expect(threads.get(43)?.fds).toBe(t?.fds);
    // O_WRONLY|O_APPEND|O_CLOEXEC|O_LARGEFILE in the kernel's bits, the driver's in the table.
    expect(t?.fds.get(3)).toMatchObject({ type: 'file', name: '/var/log/app.log', openFlags: 2 | 8 | 4096 | 2048 });
    expect(t?.fds.get(4)).toMatchObject({ type: 'ipv4', isServer: true, ip: { sip: '127.0.0.1', sport: 8080 } });
    expect(t?.fds.get(5)).toMatchObject({ type: 'ipv4', isServer: true, name: '127.0.0.2:54321->127.0.0.1:8080' });
    expect(t?.fds.get(6)?.type).toBe('pipe');
    expect(t?.fds.get(7)?.type).toBe('eventpoll');
    expect(threads.get(77)).toBeUndefined();
  });

  it('skips a process whose stat is garbled rather than guessing its values', () => {
    const root = join(scratch, 'proc-reused');
    mkdirSync(root, { recursive: true });
    const dir = fakeProcess(root, 50, 'old', { start: 100 });
    // The main thread's task entry says another start time than the process entry read last.
    writeFileSync(join(dir, 'stat'), stat(50, 'old', 1, 100));
    const threads = new ThreadTable();
    expect(seedFromProc({ threads }, root).skipped).toBe(0);
    writeFileSync(join(dir, 'stat'), 'garbage');
    const again = new ThreadTable();
    expect(seedFromProc({ threads: again }, root)).toMatchObject({ processes: 0, skipped: 1 });
    expect(again.get(50)).toBeUndefined();
  });

  it('finds this very process in the real /proc, with its executable, cwd and an open file', () => {
    const file = join(scratch, 'held-open.txt');
    writeFileSync(file, 'x');
    const fd = openSync(file, 'r');
    try {
      const threads = new ThreadTable();
      const counts = seedFromProc({ threads });
      expect(counts.processes).toBeGreaterThan(1);
      const me = threads.get(process.pid);
      expect(me?.exepath).toBe(realpathSync(process.execPath));
      expect(me?.cwd).toBe(`${process.cwd()}/`);
      expect(me?.uid).toBe(process.geteuid?.());
      expect(me?.fds.get(fd)).toMatchObject({ type: 'file', name: realpathSync(file) });
      expect((me?.fds.get(fd)?.openFlags ?? 0) & 3).toBe(1);
      expect(threads.get(process.ppid)).toBeDefined();
    } finally {
      closeSync(fd);
    }
  });
});

describe('kernel values to Falco encodings', () => {
  it('converts open flags and /proc/net endpoints', () => {
    expect(kernelOpenFlagsToPpm(0)).toBe(1);
    expect(kernelOpenFlagsToPpm(0o2)).toBe(3);
    expect(kernelOpenFlagsToPpm(0o1 | 0o100 | 0o1000)).toBe(2 | 4 | 256);
    expect(parseHexEndpoint('0100007F:0050')).toEqual({ ip: '127.0.0.1', port: 80 });
    expect(parseHexEndpoint('00000000000000000000000001000000:01BB')).toEqual({ ip: '::1', port: 443 });
  });
});
