// A recording keeps what the container runtime said about each container, where the answer arrived:
// replayed without the runtime, alerts show the same container.* and k8s.* values, <NA> included for
// events that came before the answer.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/program.js';
import { ContainerLookup } from '../../../detector/containers/index.js';
import { LiveRecorder } from '../../../detector/record/index.js';
import { LiveEventAdapter, MonotonicClock, ProcHostFacts, type LiveRecord } from '../../../detector/sources/live/index.js';
import { createContext, isRuleEvent, StateParser, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { blankThread, containerIdFromCgroups, ThreadTable, UserTable } from '../../../detector/state/index.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { FakeDockerApi } from '../../integration/containers/docker-api-server.js';

const scratch = mkdtempSync(join(tmpdir(), 'saker-record-containers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const APP_ID = '5ee9f2b34c1d' + 'b'.repeat(52);
const APP_IMAGE = 'd4ff818577bc193b309b355b02ebc9220427090057b54a59e73b79bdfe139b83';
const FIELDS = ['container.id', 'container.name', 'container.image.repository', 'container.image.tag', 'container.privileged', 'k8s.ns.name', 'k8s.pod.name'];

const rules = join(scratch, 'rules.yaml');
writeFileSync(
  rules,
  ['- rule: Hosts read', '  desc: test', '  condition: evt.type = openat and fd.name = /etc/hosts', `  output: read in ${FIELDS.map((f) => `%${f}`).join(' ')}`, '  priority: NOTICE', ''].join('\n'),
);

let ktime = 10_000n;
function openHosts(tid: number): LiveRecord {
  ktime += 1_000n;
  return { kind: 'syscall', syscall: 'openat', tid, pid: tid, ppid: 1, uid: 0, gid: 0, loginuid: 0, ret: 3, ktime, comm: 'app', args: new Map<number, number | string>([[0, -100], [1, '/etc/hosts'], [2, 0], [3, 0]]) };
}

function fieldsOf(e: SyscallEvent): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((f) => [f, SYSCALL_FIELDS.fields.get(f)?.bind(undefined)(e)]));
}

/** Runs two opens by a containerised thread live, with a Docker-like API answering in between. */
async function recordLive(path: string): Promise<Record<string, unknown>[]> {
  const api = await new FakeDockerApi().start();
  api.addContainer({
    id: APP_ID,
    name: 'k8s_app_web-7d4b9c_prod_1234_0',
    image: 'registry.example.com:5000/team/app:2.1',
    imageId: APP_IMAGE,
    privileged: true,
    labels: { 'io.kubernetes.pod.namespace': 'prod', 'io.kubernetes.pod.name': 'web-7d4b9c' },
  });
  const users = new UserTable();
  users.addUser({ uid: 0, gid: 0, name: 'root', homedir: '/root', shell: '/bin/sh' });
  const ctx = createContext({ threads: new ThreadTable(), users });
  const app = blankThread(700);
  app.cgroups = [['cpu', `/system.slice/docker-${APP_ID}.scope`]];
  Object.assign(app, { ptid: 1, comm: 'app', exe: 'app', exepath: '/usr/bin/app', containerId: containerIdFromCgroups(app.cgroups) });
  ctx.threads.set(app);
  const lookup = new ContainerLookup(ctx.containers, { sockets: [api.socketPath] });
  ctx.requestContainer = (id) => lookup.request(id);
  const recorder = new LiveRecorder({ path, maxBytes: 1_000_000 }, 'testhost', undefined, new MonotonicClock(1_700_000_000_000_000_000n));
  recorder.writeState(ctx.threads.values(), ctx.users);
  lookup.onFound = (id, info) => recorder.writeContainer(id, info);
  const adapter = new LiveEventAdapter(ctx, recorder.adapterOptions(new ProcHostFacts(join(scratch, 'no-proc'), [])));
  const parser = new StateParser(ctx);
  const live: Record<string, unknown>[] = [];
  const run = (record: LiveRecord): void => {
    const events = adapter.adapt(record);
    recorder.write(record);
    for (const e of events) {
      parser.process(e);
      if (isRuleEvent(e.layout)) live.push(fieldsOf(e));
    }
  };
  try {
    run(openHosts(700)); // the lookup starts here; this event has no metadata yet
    await lookup.idle();
    run(openHosts(700));
    run(openHosts(700));
  } finally {
    lookup.close();
    recorder.close();
    await api.stop();
  }
  return live;
}

describe('container metadata in recordings', () => {
  it('replays, with the runtime gone, to alerts with the same container and pod fields', async () => {
    const path = join(scratch, 'containers.jsonl');
    const live = await recordLive(path);
    expect(live[0]).toMatchObject({ 'container.id': '5ee9f2b34c1d', 'container.name': undefined });
    expect(live[1]).toEqual({
      'container.id': '5ee9f2b34c1d',
      'container.name': 'k8s_app_web-7d4b9c_prod_1234_0',
      'container.image.repository': 'registry.example.com:5000/team/app',
      'container.image.tag': '2.1',
      'container.privileged': true,
      'k8s.ns.name': 'prod',
      'k8s.pod.name': 'web-7d4b9c',
    });
    // Written once, between the first and the second record.
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { t?: string });
    expect(lines.filter((l) => l.t === 'container')).toHaveLength(1);
    expect(lines.map((l) => l.t).filter((t) => t === 'syscall' || t === 'container')).toEqual(['syscall', 'container', 'syscall', 'syscall']);

    let stdout = '';
    let stderr = '';
    const code = await main(['replay', '-i', path, '-r', rules], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
    expect(code).toBe(0);
    expect(stderr).toContain('skipped: none');
    const alerts = stdout.trim().split('\n').map((l) => JSON.parse(l) as { output_fields: Record<string, unknown> });
    expect(alerts).toHaveLength(3);
    const replayed = alerts.map((a) => Object.fromEntries(FIELDS.map((f) => [f, a.output_fields[f] ?? undefined])));
    expect(replayed).toEqual(live);
  });

  it('skips a malformed container line as corrupt and replays the rest', async () => {
    const path = join(scratch, 'bad-container.jsonl');
    await recordLive(path);
    const text = readFileSync(path, 'utf8').replace(/"t":"container","id":"[0-9a-f]+"/, '"t":"container","id":7');
    writeFileSync(path, text);
    let stdout = '';
    let stderr = '';
    expect(await main(['replay', '-i', path, '-r', rules], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) })).toBe(0);
    expect(stderr).toContain('corrupt lines: 1');
    expect(stdout.trim().split('\n')).toHaveLength(3);
  });
});
