// Manual checks: `npx tsx web-ui/dev-server.ts [port]` serves web-ui/dist and the API over a throwaway
// store seeded with demo alerts, and adds a new alert every two seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertStore } from '../sidekick/alert-store/index.js';
import { createUiServer } from '../sidekick/ui-api/index.js';
import { demoAlert } from '../test/e2e/support/demo-alerts.js';

const directory = mkdtempSync(join(tmpdir(), 'saker-ui-dev-'));
const store = AlertStore.open({ directory });
const now = Date.now();
store.insert(Array.from({ length: 5000 }, (_, i) => demoAlert(i, now - (5000 - i) * 17_000)));
const ui = await createUiServer({ store, port: Number(process.argv[2] ?? 2802), outputs: () => ['slack', 'webhook'] });
console.log(`web UI on ${ui.url}`);
let n = 5000;
const timer = setInterval(() => store.add(demoAlert(n++, Date.now())), 2000);
process.on('SIGINT', () => {
  clearInterval(timer);
  void ui.close().then(() => {
    store.close();
    rmSync(directory, { recursive: true, force: true });
    process.exit(0);
  });
});
