// Credentials on this machine's kernel: user.uid and group.gid are the effective ids, as Falco's are
// (libscap reads the effective ids from /proc and its drivers send them at exec), and the thread table
// follows setresuid/setreuid/setuid and their gid twins, and exec of a setuid or setgid binary.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { BpftraceDriver, LiveEventAdapter, type LiveRecord } from '../../../detector/sources/live/index.js';
import { createContext, StateParser, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { seedFromProc } from '../../../detector/state/index.js';
import { waitFor } from '../../support/wait.js';

// The interpreter itself: a python3 on PATH may be a shim that forks helpers before it gets there.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const ctx = createContext();
const parser = new StateParser(ctx);
const adapter = new LiveEventAdapter(ctx);
/** Per event, the credential fields as they were when it was processed (the thread changes later). */
const seen: { e: SyscallEvent; uid: unknown; gid: unknown; name: unknown }[] = [];
const failures: unknown[] = [];
const pending: LiveRecord[] = [];
let live = false;
let driver: BpftraceDriver;
let pump: Promise<void>;
let dir: string;

const field = (e: SyscallEvent, name: string): unknown => SYSCALL_FIELDS.fields.get(name)?.bind(undefined)(e);

function drain(): void {
  if (!live) return;
  for (const record of pending.splice(0)) {
    try {
      for (const e of adapter.adapt(record)) {
        parser.process(e);
        if (e.dir === '<') seen.push({ e, uid: field(e, 'user.uid'), gid: field(e, 'group.gid'), name: e.params[2] });
      }
    } catch (err) {
      failures.push(err);
    }
  }
}

/** The credentials seen on the exit of `type` by `pid` whose path argument ends with `suffix`. */
const credentialsAt = (pid: number | undefined, type: string, suffix: string) =>
  waitFor(
    () => seen.find((s) => s.e.type === type && s.e.thread?.pid === pid && typeof s.name === 'string' && s.name.endsWith(suffix)),
    `${type} of …${suffix}`,
    { limitMs: 20_000, detail: () => `${seen.length} events, failures: ${failures.map(String).slice(0, 3).join('; ')}` },
  );

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'saker-live-creds-')));
  chmodSync(dir, 0o755);
  driver = new BpftraceDriver({ syscalls: ['openat'] });
  pump = (async () => {
    for await (const record of driver.records()) {
      pending.push(record);
      drain();
    }
  })();
  await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
  seedFromProc(ctx);
  live = true;
  drain();
}, 90_000);

afterAll(async () => {
  driver.stop();
  await pump;
  rmSync(dir, { recursive: true, force: true });
});

describe('live credentials', () => {
  it('follows setresgid, setresuid, setreuid and setuid: the effective ids', async () => {
    // Each step opens a marker path (which may not exist: the openat is seen either way).
    const script = [
      'import os',
      `d = ${JSON.stringify(dir)}`,
      'def mark(n):',
      '    try: os.close(os.open(os.path.join(d, n), os.O_RDONLY))',
      '    except OSError: pass',
      "mark('m0-root')",
      'os.setresgid(-1, 777, -1)',
      "mark('m1-egid777')",
      'os.setresuid(-1, 1234, -1)',
      "mark('m2-euid1234')",
      'os.setreuid(-1, 0)',
      "mark('m3-euid0')",
      'os.setreuid(-1, 4321)',
      "mark('m4-euid4321')",
      'os.setreuid(-1, 0)',
      'os.setuid(2468)',
      "mark('m5-uid2468')",
    ].join('\n');
    const child = execFile(PYTHON, ['-c', script]);
    await new Promise((resolve) => child.on('close', resolve));
    const steps: [string, number, number][] = [
      ['m0-root', 0, 0],
      ['m1-egid777', 0, 777],
      ['m2-euid1234', 1234, 777],
      ['m3-euid0', 0, 777],
      ['m4-euid4321', 4321, 777],
      ['m5-uid2468', 2468, 777],
    ];
    for (const [marker, uid, gid] of steps) {
      const at = await credentialsAt(child.pid, 'openat', marker);
      expect([marker, at.uid, at.gid]).toEqual([marker, uid, gid]);
    }
    const setreuid = seen.find((s) => s.e.type === 'setreuid' && s.e.thread?.pid === child.pid);
    expect(setreuid?.e.params[0]).toBe(0);
    expect(failures).toEqual([]);
  });

  /** Runs a copy of cat owned by `uid`:`gid` with `mode` (setuid or setgid) on /etc/hostname: its exec and its open as seen. */
  async function runOwnedCat(name: string, uid: number, gid: number, mode: number) {
    const cat = join(dir, name);
    copyFileSync('/bin/cat', cat);
    chownSync(cat, uid, gid);
    chmodSync(cat, mode);
    const child = execFile(cat, ['/etc/hostname']);
    await new Promise((resolve) => child.on('close', resolve));
    const exec = await waitFor(() => seen.find((s) => s.e.type === 'execve' && s.e.thread?.pid === child.pid), 'the execve', { limitMs: 20_000 });
    const open = await credentialsAt(child.pid, 'openat', '/etc/hostname');
    return { exec, open };
  }

  it('takes the effective uid at exec of a setuid binary, not the caller’s real one', async () => {
    const { exec, open } = await runOwnedCat('setuid-cat', 1357, 0, 0o4755);
    expect(exec.uid).toBe(1357);
    expect(open.uid).toBe(1357);
  });

  it('takes the effective gid at exec of a setgid binary, for the exec and the calls after it', async () => {
    const { exec, open } = await runOwnedCat('setgid-cat', 0, 2468, 0o2755);
    expect(exec.gid).toBe(2468);
    expect([open.uid, open.gid]).toEqual([0, 2468]);
    expect(failures).toEqual([]);
  });
});
