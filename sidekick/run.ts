import { join } from 'node:path';
import { configWarnings, type SakerConfig } from '../common/config/index.js';
import { SakerError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { AlertStore } from './alert-store/index.js';
import { createUiServer, type UiServer } from './ui-api/index.js';
import { createSidekick, type Sidekick } from './server.js';
import { routesFromConfig } from './routing/from-config.js';
import { loadOutputTypes, outputTypesOf } from '../outputs/registry.js';
import { webuiRoute } from './webui-route.js';

/** A running sidekick with its web UI, as `saker sidekick` and `saker run` start it. */
export interface RunningSidekick {
  sidekick: Sidekick;
  /** The ingest URL. */
  url: string;
  /** The web UI's URL, when enabled. */
  uiUrl?: string;
  /** The names of the enabled outputs besides the web UI (`slack`, `kafka`, named instances, …). */
  outputs: string[];
  close(): Promise<void>;
}

/**
 * Starts the sidekick: outputs from the config, the web UI and its store (an output of its own), and
 * listens on both ports. Logs which outputs are active and where the UI is.
 */
export async function startSidekick(config: SakerConfig, log: Logger): Promise<RunningSidekick> {
  for (const warning of configWarnings(config)) log.warn(warning);
  // Only the configured outputs' code and SDKs are loaded: each SDK costs tens of MB of memory.
  await loadOutputTypes(outputTypesOf(config as unknown as Record<string, unknown>));
  const routes = routesFromConfig(config, { mutualTlsFilesPath: config.mutualtlsfilespath });
  const { webui } = config;
  const store = webui.enabled
    ? AlertStore.open({
        directory: join(config.datadir, 'webui'),
        retention: { maxAgeSeconds: webui.maxage, maxRows: webui.maxrows, maxBytes: webui.maxbytes },
        pageCacheKib: webui.pagecachemb * 1024,
        onError: (error, during) => log.error({ err: error, during }, 'web UI store error'),
      })
    : undefined;
  const allRoutes = store ? [...routes, webuiRoute(store, webui.minimumpriority)] : routes;
  if (routes.length === 0) {
    log.warn(store ? 'no external output is enabled: alerts go to the web UI only' : 'no output is enabled: alerts are accepted and counted but go nowhere');
  }
  const sidekick = createSidekick({ config, routes: allRoutes, log });
  const url = await sidekick.listen();
  let ui: UiServer | undefined;
  if (store) {
    const auth = webui.username !== '' && webui.password !== '' ? { username: webui.username, password: webui.password } : undefined;
    if (!auth && webui.listenaddress !== '127.0.0.1' && webui.listenaddress !== '::1' && webui.listenaddress !== 'localhost') {
      log.warn({ listenaddress: webui.listenaddress }, 'the web UI is reachable beyond this machine without a login: set webui.username and webui.password');
    }
    try {
      ui = await createUiServer({
        store,
        host: webui.listenaddress,
        port: webui.listenport,
        outputs: () => allRoutes.map((r) => r.name),
        deliveryStatus: (uuid) => sidekick.outbox.deliveryStatus(uuid),
        auth,
        extraRoutes: (scope) => sidekick.registerDeadLetterRoutes(scope),
      });
    } catch (error) {
      // A busy UI port must not leave the ingest port open in a process that is about to fail.
      await sidekick.close(0);
      store.close();
      throw error;
    }
    log.info({ url: ui.url }, `web UI at ${ui.url}`);
  }
  return {
    sidekick,
    url,
    uiUrl: ui?.url,
    outputs: routes.map((r) => r.name),
    async close() {
      await ui?.close();
      await sidekick.close();
      store?.close();
    },
  };
}

/** Resolves on the first SIGTERM or SIGINT. */
export function untilStopSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'stopping');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/**
 * Runs the sidekick as a service until SIGTERM or SIGINT, then stops accepting, drains for
 * `outbox.draintimeout` seconds and exits, leaving undelivered alerts on disk.
 */
export async function runSidekick(config: SakerConfig, log: Logger): Promise<void> {
  const running = await startSidekick(config, log).catch((error: unknown) => {
    throw error instanceof SakerError ? error : new SakerError('SAKER_ERR_SIDEKICK_START', `cannot start the sidekick: ${(error as Error).message}`, { cause: error });
  });
  await untilStopSignal(log);
  await running.close();
}
