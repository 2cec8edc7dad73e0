// The --record file: a recorded session, read back, must give the rules the same events the live
// adapter gave them — including what the adapter read from /proc, which the replay must not re-read.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/program.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { LiveRecorder, replayRecording, type RecordingReadStats } from '../../../detector/record/index.js';
import { LiveEventAdapter, MonotonicClock, ProcHostFacts, type LiveRecord, type LiveSyscall } from '../../../detector/sources/live/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { blankThread, ThreadTable, UserTable } from '../../../detector/state/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'saker-record-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A fake /proc: the exec'ing process's cwd and environment, which only the live run can read.
const procRoot = join(scratch, 'proc');
mkdirSync(join(procRoot, '300'), { recursive: true });
writeFileSync(join(procRoot, '300', 'environ'), 'HOME=/root\0SAKER=1\0');
writeFileSync(join(procRoot, '300', 'stat'), '300 (cat) S 100 300 100 34816 0 0');

const FIELDS = ['evt.type', 'proc.name', 'proc.pname', 'proc.cmdline', 'proc.exepath', 'fd.name', 'user.name', 'proc.env', 'proc.tty', 'evt.time'];

function get(e: SyscallEvent, name: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec) throw new Error(`no field ${name}`);
  return spec.bind(undefined)(e);
}

let ktime = 5_000n;
function sys(syscall: string, tid: number, ret: number, args: LiveSyscall['args'], extra: Partial<LiveSyscall> = {}): LiveSyscall {
  ktime += 1_000n;
  return { kind: 'syscall', syscall, tid, pid: tid, ppid: 100, uid: 0, gid: 0, loginuid: 0, ret, ktime, comm: 'bash', args, ...extra };
}

const SESSION: LiveRecord[] = [
  { kind: 'fork', parentTid: 100, childTid: 300, ktime: 4_000n, comm: 'bash' },
  sys('execve', 300, 0, new Map([[0, 'cat']]), { comm: 'cat', exec: { path: '/usr/bin/cat', argv: ['cat', '/etc/shadow'] } }),
  sys('openat', 300, 3, new Map<number, number | string>([[0, -100], [1, '/etc/shadow'], [2, 0], [3, 0]]), { comm: 'cat' }),
  { kind: 'exit', tid: 300, pid: 300, ktime: 9_000n },
];

function startingState() {
  const users = new UserTable();
  users.addUser({ uid: 0, gid: 0, name: 'root', homedir: '/root', shell: '/bin/bash' });
  const ctx = createContext({ threads: new ThreadTable(), users });
  const bash = blankThread(100);
  Object.assign(bash, { ptid: 1, comm: 'bash', exe: 'bash', exepath: '/usr/bin/bash', cwd: '/root/', uid: 0, gid: 0, cloneTs: 123n });
  bash.fds.set(0, { type: 'file', name: '/dev/pts/0', openFlags: 3, ino: 77n });
  ctx.threads.set(bash);
  const worker = blankThread(101, 100);
  worker.fds = bash.fds;
  ctx.threads.set(worker);
  return ctx;
}

/** Runs the session live (recording it) and returns the rule events' field values. */
function recordSession(path: string, maxBytes = 1_000_000): { fields: unknown[][]; recorder: LiveRecorder } {
  const ctx = startingState();
  const recorder = new LiveRecorder({ path, maxBytes }, 'testhost', undefined, new MonotonicClock(1_700_000_000_000_000_000n));
  recorder.writeState(ctx.threads.values(), ctx.users);
  const adapter = new LiveEventAdapter(ctx, recorder.adapterOptions(new ProcHostFacts(procRoot, [])));
  const parser = new StateParser(ctx);
  const fields: unknown[][] = [];
  for (const record of SESSION) {
    const events = adapter.adapt(record);
    recorder.write(record);
    for (const event of events) {
      parser.process(event);
      if (isRuleEvent(event.layout)) fields.push(FIELDS.map((f) => get(event, f)));
    }
  }
  recorder.close();
  return { fields, recorder };
}

async function replayFields(path: string, stats: RecordingReadStats): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const event of replayRecording(path, stats)) out.push(FIELDS.map((f) => get(event, f)));
  return out;
}

describe('saker detector --record, read back by saker replay', () => {
  it('replays to the same events and field values, with /proc answers taken from the file', async () => {
    const path = join(scratch, 'session.jsonl');
    const live = recordSession(path);
    expect(live.recorder.stats).toEqual({ written: SESSION.length, dropped: 0 });
    // The /proc fixture is gone at replay time: the values must come from the recording.
    rmSync(procRoot, { recursive: true, force: true });
    const stats: RecordingReadStats = { records: 0, skipped: new Map() };
    const replayed = await replayFields(path, stats);
    expect(replayed).toEqual(live.fields);
    const open = replayed.find((f) => f[0] === 'openat');
    expect(open).toEqual(['openat', 'cat', 'bash', 'cat /etc/shadow', '/usr/bin/cat', '/etc/shadow', 'root', 'HOME=/root SAKER=1', 34816, expect.anything()]);
    expect(stats).toMatchObject({ records: SESSION.length, skipped: new Map(), trailer: { records: SESSION.length, dropped: 0 } });
    mkdirSync(join(procRoot, '300'), { recursive: true });
    writeFileSync(join(procRoot, '300', 'environ'), 'HOME=/root\0SAKER=1\0');
    writeFileSync(join(procRoot, '300', 'stat'), '300 (cat) S 100 300 100 34816 0 0');
  });

  it('writes a versioned header first and a trailer last, one JSON object per line', () => {
    const path = join(scratch, 'lines.jsonl');
    recordSession(path);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ saker_record: 1, hostname: 'testhost', clock_offset_ns: '1700000000000000000' });
    expect(lines.at(-1)).toMatchObject({ t: 'end', records: SESSION.length, dropped: 0 });
    expect(lines.filter((l) => l.t === 'thread')).toHaveLength(2);
    expect(lines.find((l) => l.t === 'syscall' && l.syscall === 'openat')).toMatchObject({ ktime: expect.stringMatching(/^\d+$/), args: [[0, -100], [1, '/etc/shadow'], [2, 0], [3, 0]] });
  });

  it('stops at the size limit, counts what it left out, and the file still reads back', async () => {
    const full = join(scratch, 'full.jsonl');
    recordSession(full);
    const bytesWithoutLast = statSync(full).size - 300;
    const path = join(scratch, 'limited.jsonl');
    const { recorder } = recordSession(path, bytesWithoutLast);
    expect(recorder.stats.dropped).toBeGreaterThan(0);
    expect(recorder.stats.written + recorder.stats.dropped).toBe(SESSION.length);
    expect(statSync(path).size).toBeLessThanOrEqual(bytesWithoutLast);
    const stats: RecordingReadStats = { records: 0, skipped: new Map() };
    await replayFields(path, stats);
    expect(stats.skipped.size).toBe(0);
    expect(stats.trailer).toEqual({ records: recorder.stats.written, dropped: recorder.stats.dropped });
  });

  it('counts corrupt lines and goes on; a file cut short has no trailer', async () => {
    const path = join(scratch, 'corrupt.jsonl');
    recordSession(path);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const openAt = lines.findIndex((l) => l.includes('"openat"'));
    lines.splice(openAt, 0, '{"t":"syscall","syscall":"openat"', '{"t":"syscall","syscall":"close","tid":"x"}', '[1,2]', '{"t":"weird"}');
    writeFileSync(path, lines.slice(0, -1).join('\n'));
    const stats: RecordingReadStats = { records: 0, skipped: new Map() };
    const replayed = await replayFields(path, stats);
    expect(replayed.some((f) => f[0] === 'openat' && f[5] === '/etc/shadow')).toBe(true);
    expect(stats.skipped).toEqual(new Map([['corrupt lines', 3], ['unknown line types', 1]]));
    expect(stats.trailer).toBeUndefined();
  });

  it('is what `saker replay -i FILE` reads, recognised by content whatever the name', async () => {
    const path = join(scratch, 'session.rec');
    recordSession(path);
    const rules = join(scratch, 'rules.yaml');
    writeFileSync(
      rules,
      ['- rule: Shadow read', '  desc: test', '  condition: evt.type = openat and fd.name = /etc/shadow', '  output: read by %proc.name (parent %proc.pname)', '  priority: WARNING', ''].join('\n'),
    );
    let stdout = '';
    let stderr = '';
    const code = await main(['replay', '-i', path, '-r', rules], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
    expect(code).toBe(0);
    const alerts = stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; output_fields: Record<string, unknown> });
    expect(alerts).toEqual([expect.objectContaining({ rule: 'Shadow read', output_fields: expect.objectContaining({ 'proc.name': 'cat', 'proc.pname': 'bash' }) })]);
    expect(stderr).toContain('skipped: none');
  });

  it('rejects a bad --record-max-size before starting anything', async () => {
    let stderr = '';
    const code = await main(['detector', '--record', join(scratch, 'x.jsonl'), '--record-max-size', 'lots'], { out: () => undefined, err: (t) => void (stderr += t) });
    expect(code).toBe(2);
    expect(stderr).toContain('--record-max-size must be a size');
  });

  it('refuses a file that is not a recording, or of a newer version, with a clear code', async () => {
    const other = join(scratch, 'other.jsonl');
    writeFileSync(other, '{"hello":1}\n');
    await expect(replayFields(other, { records: 0, skipped: new Map() })).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_FORMAT', message: expect.stringContaining('not a Saker record header') });
    const newer = join(scratch, 'newer.jsonl');
    writeFileSync(newer, '{"saker_record":2,"clock_offset_ns":"0"}\n');
    await expect(replayFields(newer, { records: 0, skipped: new Map() })).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_FORMAT', message: expect.stringContaining('version 2 is not supported') });
    await expect(replayFields(join(scratch, 'missing.jsonl'), { records: 0, skipped: new Map() })).rejects.toMatchObject({ code: 'SAKER_ERR_SOURCE_OPEN' });
  });
});
