import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { createUiServer, type UiOptions, type UiServer } from '../../../sidekick/ui-api/index.js';

/** The web UI built from the sources into a temp folder, served over a fresh store on loopback. */
export interface UiFixture {
  store: AlertStore;
  ui: UiServer;
  close(): Promise<void>;
}

const CONFIG = fileURLToPath(new URL('../../../web-ui/vite.config.ts', import.meta.url));

/** Builds the app once per suite (into a temp folder, leaving web-ui/dist alone). */
export async function buildApp(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'saker-web-ui-'));
  await build({ configFile: CONFIG, logLevel: 'error', build: { outDir: dir, emptyOutDir: true } });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startUi(staticDir: string, extra: Omit<UiOptions, 'store'> = {}): Promise<UiFixture> {
  const storeDir = mkdtempSync(join(tmpdir(), 'saker-e2e-store-'));
  const store = AlertStore.open({ directory: storeDir });
  const ui = await createUiServer({ outputs: () => ['slack', 'webhook'], ...extra, store, port: 0, staticDir });
  return {
    store,
    ui,
    async close() {
      await ui.close();
      store.close();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
