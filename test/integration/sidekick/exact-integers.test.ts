// Falco's JSON alerts carry evt.time and evt.rawtime as integer nanoseconds (1700000000123456789),
// beyond what a JS number holds exactly. These tests follow such an alert from the detector's engine
// through the sidekick to a webhook peer, a Kafka broker and the web UI's API, and check every digit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, type Alert } from '../../../contract/index.js';
import { Engine } from '../../../detector/engine/index.js';
import type { FieldTable } from '../../../detector/engine/fields.js';
import { HttpSink } from '../../../detector/emit/index.js';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';
import { createContext, layoutOf, type SyscallEvent } from '../../../detector/sources/syscall/index.js';
import { createOutput } from '../../../outputs/index.js';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { createUiServer, type UiServer } from '../../../sidekick/ui-api/index.js';
import { webuiRoute } from '../../../sidekick/webui-route.js';
import { startHttpPeer, type HttpPeer } from '../../support/peers/http-peer.js';
import { startKafkaMockBroker, type KafkaMockBroker } from '../../support/peers/kafka-broker.js';
import { removeDataDirs, startSidekick, until, webhookRoute, type RunningSidekick } from './harness.js';

const NANOS = 1_700_000_000_123_456_789n;
const DIGITS = '1700000000123456789';
const TOPIC = 'falco-exact';

const RULES = `
- rule: Exact time
  desc: fires on openat
  condition: evt.type = openat
  output: opened at %evt.time (raw=%evt.rawtime)
  priority: WARNING
`;

function openatExit(): SyscallEvent {
  const layout = layoutOf(307);
  if (!layout) throw new Error('no openat exit layout');
  return { num: 1, ts: NANOS, cpu: 0, tid: 1, layout, type: layout.name, dir: layout.dir, params: layout.params.map(() => null), ctx: createContext() };
}

let peer: HttpPeer;
let broker: KafkaMockBroker;
let store: AlertStore;
let sidekick: RunningSidekick;
let ui: UiServer;

beforeAll(async () => {
  peer = await startHttpPeer(() => ({ status: 200 }));
  broker = await startKafkaMockBroker({ topic: TOPIC });
  store = AlertStore.open({ directory: ':memory:' });
  sidekick = await startSidekick({
    routes: () => [
      webhookRoute('webhook', peer.url),
      { name: 'kafka', output: createOutput('kafka', { hostport: broker.brokers, topic: TOPIC, idempotent: false, timeout: 1500 }, 'kafka') },
      webuiRoute(store, ''),
    ],
  });
  ui = await createUiServer({ store, port: 0, staticDir: false });
});

afterAll(async () => {
  await sidekick?.stop();
  await ui?.close();
  store?.close();
  await peer?.close();
  await broker?.stop();
  removeDataDirs();
});

async function uiText(path: string): Promise<string> {
  const response = await fetch(`${ui.url}${path}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('an alert whose evt.time exceeds 2^53', () => {
  it('leaves the detector and reaches the webhook, Kafka and the UI API with every digit', async () => {
    const engine = new Engine({ fieldTables: new Map([['syscall', SYSCALL_FIELDS as FieldTable<unknown>]]), hostname: 'host-exact' });
    expect(engine.loadRules([{ name: 'exact.yaml', content: RULES }]).successful).toBe(true);
    const [alert] = engine.process('syscall', openatExit());
    if (!alert) throw new Error('the rule did not fire');
    expect(alert.output_fields).toEqual({ 'evt.time': NANOS, 'evt.rawtime': NANOS });

    const sink = new HttpSink({ url: `${sidekick.url}/`, batch: true, timeoutMs: 5000 });
    expect(await sink.send([alert])).toEqual({ ok: true });
    await sink.close();

    const [request] = await peer.waitForRequests(1);
    expect(request?.body).toContain(`"evt.time":${DIGITS}`);
    expect(request?.body).toContain(`"evt.rawtime":${DIGITS}`);
    expect((parseJson(request?.body ?? '') as Alert).output_fields['evt.time']).toBe(NANOS);

    const [message] = await broker.waitForMessages(1);
    expect(message?.payload).toContain(`"evt.time":${DIGITS}`);

    await until('the web UI stored the alert', () => store.size() > 0);
    const search = await uiText('/api/v1/events/search?rule=Exact%20time');
    expect(search).toContain(`"evt.time":${DIGITS}`);
    const { results } = parseJson(search) as { results: Alert[] };
    expect(results[0]?.output_fields['evt.rawtime']).toBe(NANOS);
    const detail = await uiText(`/api/v1/events/${results[0]?.uuid}`);
    expect(detail).toContain(`"evt.time":${DIGITS}`);
    const exported = await uiText('/api/v1/export?format=jsonl&rule=Exact%20time');
    expect(exported).toContain(`"evt.time":${DIGITS}`);
  });

  it('posted by Falco to the sidekick, comes back exactly from events/search', async () => {
    const falco =
      `{"hostname":"falco-node","output":"22:13:20.123456789: Warning falco says hi","output_fields":{"evt.time":${DIGITS},` +
      `"proc.pid":4242,"user.name":"root"},"priority":"Warning","rule":"Falco exact","source":"syscall","tags":["t"],` +
      `"time":"2023-11-14T22:13:20.123456789Z"}`;
    const { status } = await sidekick.post('/', falco);
    expect(status).toBe(200);
    await until('the web UI stored the Falco alert', () => store.count({ rules: ['Falco exact'] }) > 0);
    const search = await uiText('/api/v1/events/search?rule=Falco%20exact');
    expect(search).toContain(`"output_fields":{"evt.time":${DIGITS},"proc.pid":4242,"user.name":"root"}`);
  });
});
