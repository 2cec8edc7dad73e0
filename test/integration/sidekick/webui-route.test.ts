import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { stringifyJson, type Alert } from '../../../contract/index.js';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { webuiRoute } from '../../../sidekick/webui-route.js';
import { FALCO_ALERT } from './harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('web UI route', () => {
  it('lingers, and writes the outbox JSON it is handed as the stored body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saker-webui-route-'));
    const store = AlertStore.open({ directory: dir, retention: { intervalMs: 0 } });
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => store.close(),
    );
    const { output } = webuiRoute(store, '');
    expect(output.lingerMs).toBeGreaterThan(0);

    const alerts: Alert[] = [
      { ...FALCO_ALERT, uuid: 'e3a1b2c4-0000-7000-8000-000000000001' } as Alert,
      { ...FALCO_ALERT, rule: 'Other', uuid: 'e3a1b2c4-0000-7000-8000-000000000002' } as Alert,
    ];
    // As the outbox would hand it over, but in a key order only the given text has.
    const json = alerts.map((a) => JSON.stringify(Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? 1 : -1)))));
    const log = createLogger({ level: 'silent', pretty: false });
    const results = await output.send(alerts, { signal: new AbortController().signal, log, json });
    expect(results).toEqual([{ status: 'ok' }, { status: 'ok' }]);
    // Without JSON (another caller) the store serialises the alert itself.
    const third = { ...FALCO_ALERT, rule: 'Third', uuid: 'e3a1b2c4-0000-7000-8000-000000000003' } as Alert;
    await output.send([third], { signal: new AbortController().signal, log });

    const db = new Database(join(dir, 'alerts.db'), { readonly: true });
    cleanups.push(() => db.close());
    const bodies = db.prepare<[], { body: string }>('SELECT body FROM alerts ORDER BY seq').pluck().all() as unknown as string[];
    expect(bodies).toEqual([json[0], json[1], stringifyJson(third)]);
  });
});
