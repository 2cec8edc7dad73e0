import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../common/package-info.js';
import { FALCO_ALERT, removeDataDirs, startSidekick, until, type RunningSidekick } from '../sidekick/harness.js';
import { timestampOf } from '../../../sidekick/grpc/index.js';
import { falcoOutputsClient, publishClient, type FalcoResponse } from './clients.js';

let running: RunningSidekick[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});
afterAll(() => removeDataDirs());

async function sidekick(env: Record<string, string> = {}): Promise<{ r: RunningSidekick; address: string }> {
  const r = await startSidekick({
    env: { GRPC_ENABLED: 'true', ...env },
    routes: () => [],
    tweak: (config) => {
      config.grpc.listenport = 0 as number;
    },
  });
  running.push(r);
  return { r, address: `127.0.0.1:${r.sidekick.grpc?.port}` };
}

/** A Falco alert with every kind of output field value Falco writes. */
const ALERT = {
  ...FALCO_ALERT,
  time: '2019-05-17T15:31:56.746609046Z',
  output_fields: { 'fd.name': '/bin/hack', 'proc.pid': 4242, 'evt.rawtime': 1558107116746609, 'proc.is_exe_upper_layer': false, 'container.id': null },
};

describe("Falco 0.43's falco.outputs.service", () => {
  it('pins the wire format: the field numbers and enum values of Falco 0.43 outputs.proto and schema.proto', () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('google/') ? target : join(PACKAGE_ROOT, 'proto', 'falco', target));
    root.loadSync('outputs.proto', { keepCase: true });
    const response = root.lookupType('falco.outputs.response');
    const numbers = Object.fromEntries(Object.values(response.fields).map((f) => [f.name, [f.id, f.type, f.repeated || f.map]]));
    expect(numbers).toEqual({
      time: [1, 'google.protobuf.Timestamp', false],
      priority: [2, 'falco.schema.priority', false],
      source_deprecated: [3, 'falco.schema.source', false],
      rule: [4, 'string', false],
      output: [5, 'string', false],
      output_fields: [6, 'string', true],
      hostname: [7, 'string', false],
      tags: [8, 'string', true],
      source: [9, 'string', false],
    });
    expect(root.lookupEnum('falco.schema.priority').values).toMatchObject({ EMERGENCY: 0, ALERT: 1, CRITICAL: 2, ERROR: 3, WARNING: 4, NOTICE: 5, INFORMATIONAL: 6, DEBUG: 7, Error: 3, debug: 7 });
    expect(root.lookupEnum('falco.schema.source').values).toMatchObject({ SYSCALL: 0, K8S_AUDIT: 1, INTERNAL: 2, PLUGIN: 3, k8s_audit: 1 });
    const service = root.lookupService('falco.outputs.service');
    expect(service.methods.sub).toMatchObject({ requestStream: true, responseStream: true, requestType: 'request', responseType: 'response' });
    expect(service.methods.get).toMatchObject({ requestStream: undefined, responseStream: true });
  });

  it('turns any RFC 3339 time the sidekick accepts into an exact Timestamp', () => {
    expect(timestampOf('2019-05-17T15:31:56.746609046Z')).toEqual({ seconds: 1558107116, nanos: 746609046 });
    expect(timestampOf('2019-05-17T17:31:56.5+02:00')).toEqual({ seconds: 1558107116, nanos: 500000000 });
    expect(timestampOf('2019-05-17 15:31:56z')).toEqual({ seconds: 1558107116, nanos: 0 });
  });

  it('streams alerts posted over HTTP to a sub subscriber, with Falco field values', async () => {
    const { r, address } = await sidekick({ CUSTOMFIELDS: 'cluster:prod' });
    const client = falcoOutputsClient(address);
    const call = client.sub();
    const received: FalcoResponse[] = [];
    call.on('data', (response: FalcoResponse) => received.push(response));
    call.on('error', () => undefined);
    call.write({});
    await until('the subscription', async () => (await (await fetch(`${r.url}/metrics`)).text()).includes('saker_sidekick_grpc_outputs_subscribers 1'));

    expect((await r.post('/', ALERT)).status).toBe(200);
    expect((await r.post('/', { ...ALERT, rule: 'Plugin rule', source: 'aws_cloudtrail', priority: 'info' })).status).toBe(200);
    expect((await r.post('/', { ...ALERT, rule: 'Audit rule', source: 'k8s_audit', priority: 'Debug' })).status).toBe(200);
    await until('three alerts on the stream', () => received.length === 3);

    expect(received[0]).toEqual({
      time: { seconds: '1558107116', nanos: 746609046 },
      priority: 'ERROR',
      source_deprecated: 'SYSCALL',
      rule: 'Write below binary dir',
      output: FALCO_ALERT.output,
      output_fields: {
        'fd.name': '/bin/hack',
        'proc.pid': '4242',
        'evt.rawtime': '1558107116746609',
        'proc.is_exe_upper_layer': 'false',
        'container.id': 'null',
        cluster: 'prod',
      },
      hostname: 'falco-node-1',
      tags: ['filesystem', 'mitre_persistence'],
      source: 'syscall',
    });
    expect(received[1]).toMatchObject({ rule: 'Plugin rule', priority: 'INFORMATIONAL', source_deprecated: 'PLUGIN', source: 'aws_cloudtrail' });
    expect(received[2]).toMatchObject({ rule: 'Audit rule', priority: 'DEBUG', source_deprecated: 'K8S_AUDIT', source: 'k8s_audit' });

    // Integers beyond 2^53 reach the stream with every digit (published over gRPC ingest here).
    const publisher = publishClient(address);
    const long = JSON.stringify({ ...ALERT, rule: 'Long integer' }).replace('"evt.rawtime":1558107116746609', '"evt.rawtime":1558107116746609046');
    expect((await publisher.send([long])).uuids).toHaveLength(1);
    await until('the fourth alert', () => received.length === 4);
    expect(received[3]?.output_fields['evt.rawtime']).toBe('1558107116746609046');
    publisher.close();
    call.end();
    client.close();
  });

  it('keeps alerts accepted while nobody subscribed for get, which streams them once and ends', async () => {
    const { r, address } = await sidekick({ GRPC_OUTPUTSBUFFER: '2' });
    for (const rule of ['first', 'second', 'third']) expect((await r.post('/', { ...ALERT, rule })).status).toBe(200);
    const client = falcoOutputsClient(address);
    // The buffer holds two: the oldest was dropped, and counted.
    expect((await client.get()).map((response) => response.rule)).toEqual(['second', 'third']);
    expect(await client.get()).toEqual([]);
    expect(await (await fetch(`${r.url}/metrics`)).text()).toContain('saker_sidekick_grpc_outputs_dropped_total 1');
    client.close();
  });

  it('bounds what waits for a slow subscriber: the oldest alerts are dropped and counted, the rest arrive', async () => {
    const { r, address } = await sidekick({ GRPC_OUTPUTSBUFFER: '10' });
    const client = falcoOutputsClient(address);
    const call = client.sub();
    const received: FalcoResponse[] = [];
    call.on('error', () => undefined);
    call.write({});
    await until('the subscription', async () => (await (await fetch(`${r.url}/metrics`)).text()).includes('saker_sidekick_grpc_outputs_subscribers 1'));
    // A consumer that stops reading: flow control stalls the stream and alerts pile up server-side.
    call.pause();
    const publisher = publishClient(address);
    const text = (i: number) => JSON.stringify({ ...ALERT, rule: `rule ${i}`, output: 'x'.repeat(4000) });
    for (let i = 0; i < 600; i += 50) expect((await publisher.send(Array.from({ length: 50 }, (_, j) => text(i + j)))).uuids).toHaveLength(50);
    const dropped = async () => Number(/saker_sidekick_grpc_outputs_dropped_total (\d+)/.exec(await (await fetch(`${r.url}/metrics`)).text())?.[1]);
    await until('drops counted', async () => (await dropped()) > 0);
    call.on('data', (response: FalcoResponse) => received.push(response));
    call.resume();
    await until('every alert either received or counted as dropped', async () => received.length + (await dropped()) === 600);
    // What arrives is in order and ends with the newest alert.
    const numbers = received.map((response) => Number(response.rule.slice('rule '.length)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.at(-1)).toBe(599);
    publisher.close();
    call.end();
    client.close();
  });

  it('asks for the ingest credentials when auth is configured', async () => {
    const { address } = await sidekick({ AUTH_BEARERTOKEN: 's3cret-token' });
    const anonymous = falcoOutputsClient(address);
    await expect(anonymous.get()).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    const authorized = falcoOutputsClient(address, 'Bearer s3cret-token');
    expect(await authorized.get()).toEqual([]);
    anonymous.close();
    authorized.close();
  });
});
