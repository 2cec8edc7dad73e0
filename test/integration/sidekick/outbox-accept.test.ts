import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson, stringifyJson, type Alert } from '../../../contract/index.js';
import { Outbox } from '../../../sidekick/outbox/store.js';
import { FALCO_ALERT } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openOutbox(): Outbox {
  const dir = mkdtempSync(join(tmpdir(), 'saker-accept-'));
  dirs.push(dir);
  return new Outbox(dir);
}

const OUTPUT_SETS: readonly (readonly string[])[] = [['webhook'], [], ['webhook', 'webui'], ['webui'], ['slack', 'webhook', 'webui']];

/** `count` alerts, each owed to the outputs OUTPUT_SETS gives it in turn (some to none). */
function entries(count: number, prefix: string): { alert: Alert; outputs: readonly string[] }[] {
  return Array.from({ length: count }, (_, i) => ({
    alert: { ...FALCO_ALERT, rule: `${prefix} rule ${i}`, uuid: `${prefix}-${i}` } as Alert,
    outputs: OUTPUT_SETS[i % OUTPUT_SETS.length] as readonly string[],
  }));
}

/** Every pending delivery of `output`, as uuid → the rule of the alert stored with it. */
function pendingOf(outbox: Outbox, output: string): Map<string, string> {
  const { items } = outbox.dueFrom(output, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 100_000, 0, new Set());
  return new Map(items.map((item) => [item.alert.uuid as string, item.alert.rule]));
}

describe('outbox: accepting a group of alerts', () => {
  // Groups are written many rows per statement; sizes around the statement sizes, and one past them.
  it.each([1, 7, 99, 100, 101, 333])('stores each of %i alerts with exactly the deliveries it is owed', (count) => {
    const outbox = openOutbox();
    // A group written before, so sequence numbers do not start at 1.
    outbox.accept(entries(3, 'before'), 1_000);
    const group = entries(count, 'group');
    outbox.accept(group, 2_000);

    for (const output of ['webhook', 'webui', 'slack']) {
      const expected = [...entries(3, 'before'), ...group].filter((e) => e.outputs.includes(output));
      expect(pendingOf(outbox, output)).toEqual(new Map(expected.map((e) => [e.alert.uuid as string, e.alert.rule])));
    }
    const owed = [...entries(3, 'before'), ...group].reduce((n, e) => n + e.outputs.length, 0);
    expect(outbox.pendingCount).toBe(owed);
    for (const { alert, outputs } of group) {
      expect(outbox.deliveryStatus(alert.uuid as string).map((r) => [r.output, r.state])).toEqual(
        [...outputs].sort().map((output) => [output, 'pending']),
      );
    }
    outbox.close();
  });

  // Two ways to read: one joined query when few rows in flight are walked past, keys first when many are.
  it('reads the due rows not in flight, oldest first, whichever way it walks past those in flight', () => {
    const outbox = openOutbox();
    outbox.accept(
      entries(50, 'due').map((e) => ({ ...e, outputs: ['webhook'] })),
      1_000,
    );
    const read = (limit: number, skip: number, inFlight: ReadonlySet<number>) =>
      outbox.dueFrom('webhook', 2_000, Number.MIN_SAFE_INTEGER, limit, skip, inFlight);
    const first = read(30, 0, new Set()).items;
    expect(first.map((item) => item.alert.uuid)).toEqual(Array.from({ length: 30 }, (_, i) => `due-${i}`));
    const inFlight = new Set(first.map((item) => item.seq));

    const keysFirst = read(5, 30, inFlight); // skip > limit
    expect(keysFirst.items.map((item) => item.alert.uuid)).toEqual(['due-30', 'due-31', 'due-32', 'due-33', 'due-34']);
    expect(keysFirst.complete).toBe(false);
    const joined = read(40, 30, inFlight); // skip <= limit
    expect(joined.items.map((item) => item.alert.uuid)).toEqual(Array.from({ length: 20 }, (_, i) => `due-${30 + i}`));
    expect(joined.complete).toBe(true);
    expect(keysFirst.items).toEqual(joined.items.slice(0, 5));
    outbox.close();
  });

  it('stores the JSON the caller wrote for an alert, byte for byte, and hands it to the delivery', () => {
    const outbox = openOutbox();
    const alert = { ...FALCO_ALERT, uuid: 'with-json', output_fields: { ...FALCO_ALERT.output_fields, 'evt.time': 1795341600123456789n } } as Alert;
    const json = stringifyJson(alert);
    outbox.accept([{ alert, outputs: ['webhook'], json }], 1_000);
    const [item] = outbox.dueFrom('webhook', 2_000, Number.MIN_SAFE_INTEGER, 10, 0, new Set()).items;
    expect(item?.json).toBe(json);
    expect(item?.alert).toEqual(parseJson(json));
    outbox.close();
  });
});
