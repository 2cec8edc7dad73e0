import type { SakerConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import { createSidekick, type Sidekick } from './server.js';
import { routesFromConfig } from './routing/from-config.js';

/**
 * Runs the sidekick as a service: outputs from the config, listen, and on SIGTERM or SIGINT stop
 * accepting, drain for `outbox.draintimeout` seconds and exit, leaving undelivered alerts on disk.
 * Resolves when the service has stopped.
 */
export async function runSidekick(config: SakerConfig, log: Logger): Promise<void> {
  const routes = routesFromConfig(config, { mutualTlsFilesPath: config.mutualtlsfilespath });
  if (routes.length === 0) log.warn('no output is enabled: alerts are accepted and counted but go nowhere');
  const sidekick: Sidekick = createSidekick({ config, routes, log });
  await sidekick.listen();
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'stopping sidekick');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void sidekick.close().then(resolve, (error: unknown) => {
        log.error({ err: error }, 'error while stopping the sidekick');
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
