// The live pipeline on this machine's kernel: bpftrace records, seeded /proc state, the adapter and the
// state parser, then the rules engine. A child `cat` reads a file; its openat must carry the fields a
// Falco rule would match on, and an inline rule must fire on it.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../contract/index.js';
import { Engine } from '../../../detector/engine/index.js';
import { FIELD_TABLES } from '../../../detector/fields/index.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { BpftraceDriver, LiveEventAdapter, PrefetchingHostFacts, type LiveRecord } from '../../../detector/sources/live/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { waitFor } from '../../support/wait.js';
import { containerIdFromCgroups, namedCgroups, parseProcCgroup, readCgroupControllers, seedFromProc } from '../../../detector/state/index.js';

const RULES = `
- rule: Cat reads the canary
  desc: test rule
  condition: evt.type = openat and evt.is_open_read = true and proc.name = cat and fd.name endswith /canary.txt
  output: canary read (file=%fd.name proc=%proc.name parent=%proc.pname)
  priority: WARNING
`;

const SAKER_RULES = fileURLToPath(new URL('../../../rules/saker_rules.yaml', import.meta.url));
const ctx = createContext();
const parser = new StateParser(ctx);
// /proc facts read ahead of each record, off the event loop, as the detector reads them.
const facts = new PrefetchingHostFacts(ctx);
const adapter = new LiveEventAdapter(ctx, { host: facts });
// Saker's own rules load alongside, so the live events are proven against the shipped rule set too.
const engine = new Engine({ fieldTables: FIELD_TABLES, hostname: 'test-host', ruleMatching: 'all' });
const events: SyscallEvent[] = [];
const alerts: Alert[] = [];
let driver: BpftraceDriver;
let pump: Promise<void>;
let dir: string;
let seeded = { processes: 0, threads: 0, fds: 0, skipped: 0 };
const failures: unknown[] = [];

function handle(record: LiveRecord): void {
  try {
    for (const e of adapter.adapt(record)) {
      parser.process(e);
      if (!isRuleEvent(e.layout)) continue;
      events.push(e);
      alerts.push(...engine.process('syscall', e));
    }
  } catch (err) {
    // Kept, not thrown: one bad record must not stop the pipeline, and the test reports them all.
    failures.push(err);
  }
}

function get(e: SyscallEvent, name: string): unknown {
  const spec = SYSCALL_FIELDS.fields.get(name);
  if (!spec) throw new Error(`no field ${name}`);
  return spec.bind(undefined)(e);
}

const until = <T>(find: () => T | undefined, what: string, limitMs = 20_000): Promise<T> =>
  waitFor(find, what, { limitMs, detail: () => `${events.length} events, failures: ${failures.map(String).slice(0, 3).join('; ')}` });

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'saker-live-pipeline-')));
  expect(engine.loadRules([SAKER_RULES, { name: 'inline.yaml', content: RULES }]).successful).toBe(true);
  // Seeded before the driver starts, as the detector does; records then go through in order, each
  // record's events passing the parser before the next record is adapted, as the adapter requires.
  seeded = seedFromProc(ctx);
  driver = new BpftraceDriver({ syscalls: ['openat', 'execve', 'connect'] });
  pump = facts.drain(driver.batches(), handle);
  await Promise.race([driver.ready, pump.then(() => Promise.reject(new Error('bpftrace stopped before it was ready')))]);
}, 90_000);

afterAll(async () => {
  driver.stop();
  await pump;
  rmSync(dir, { recursive: true, force: true });
});

describe('live pipeline on this kernel', () => {
  it('seeds the running processes from /proc, this one included', () => {
    expect(seeded.processes).toBeGreaterThan(1);
    expect(ctx.threads.get(process.pid)?.exepath).toBe(realpathSync(process.execPath));
  });

  it("resolves a child's file read to its program, parent and file, and an inline rule fires on it", async () => {
    const file = join(dir, 'canary.txt');
    writeFileSync(file, 'tweet');
    // cat waits on its stdin after the file until its exec has been handled: the exec's facts are then
    // read from /proc while it runs (a process that exits first leaves them absent, as counted in
    // `vanished`, a race this test is not about).
    const child = spawn('/bin/cat', [file, '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      await until(() => events.find((e) => e.type === 'execve' && e.thread?.pid === child.pid), 'the execve of cat');
    } finally {
      child.stdin.end();
    }
    await closed;
    const open = await until(
      () => events.find((e) => e.type === 'openat' && e.thread?.pid === child.pid && e.fd?.name === file),
      'the openat of the canary',
    );
    expect(get(open, 'proc.name')).toBe('cat');
    expect(get(open, 'proc.pname')).toBe(readFileSync('/proc/self/comm', 'utf8').trim());
    expect(get(open, 'proc.exepath')).toBe('/bin/cat');
    expect(get(open, 'proc.cmdline')).toBe(`cat ${file} -`);
    expect(get(open, 'fd.name')).toBe(file);
    expect(get(open, 'evt.is_open_read')).toBe(true);
    expect(get(open, 'evt.is_open_write')).toBe(false);
    // The exec's facts came from /proc, read ahead: the child's cgroups are ours (inherited), so its
    // container id is the one our own cgroups give, and its environment is ours.
    const exec = await until(() => events.find((e) => e.type === 'execve' && e.thread?.pid === child.pid), 'the execve of cat');
    const ours = containerIdFromCgroups(namedCgroups(parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8')), readCgroupControllers()));
    expect(get(exec, 'container.id')).toBe(ours);
    expect(get(exec, 'proc.env')).toContain(`PATH=${process.env.PATH ?? ''}`);
    expect(facts.stats.unprepared).toBe(0);
    const alert = await until(() => alerts.find((a) => a.rule === 'Cat reads the canary'), 'the alert');
    expect(alert.output_fields).toMatchObject({ 'fd.name': file, 'proc.name': 'cat' });
    expect(alert.output).toContain(`canary read (file=${file} proc=cat parent=`);
    expect(failures).toEqual([]);
  }, 30_000);

  it("names a child's TCP connection by both real ends, the local one read from /proc", async () => {
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // The child holds the connection open until told to exit, so /proc still shows its socket.
    const child = spawn('/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; read -t 20 line`], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      // Only the TCP connect: the shell may first connect to a unix socket (nscd, systemd-resolved).
      const connect = await until(() => events.find((e) => e.type === 'connect' && e.thread?.pid === child.pid && e.fd?.type === 'ipv4'), 'the connect');
      const peer = await until(() => accepted[0], 'the accepted connection');
      expect(get(connect, 'proc.name')).toBe('bash');
      expect(get(connect, 'fd.type')).toBe('ipv4');
      expect(get(connect, 'fd.sip')).toBe('127.0.0.1');
      expect(get(connect, 'fd.sport')).toBe(port);
      expect(get(connect, 'fd.cport')).toBe(peer.remotePort);
      expect(get(connect, 'fd.name')).toBe(`127.0.0.1:${peer.remotePort}->127.0.0.1:${port}`);
      expect(failures).toEqual([]);
      expect(facts.stats.unprepared).toBe(0);
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.on('close', resolve));
      for (const s of accepted) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
