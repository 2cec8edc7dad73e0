import type { SakerConfig } from '../../common/config/index.js';
import { createLogger, type LOG_LEVELS, type Logger } from '../../common/logger.js';
import { printableConfig, runSidekick } from '../../sidekick/index.js';
import { runAllInOne } from '../all-in-one.js';
import { runDetector } from '../detector-main.js';
import { EXIT } from '../exit-codes.js';
import { loadServiceConfig, withServiceOptions, type CommandModule, type ServiceOptions } from '../context.js';

/** A service that is built: runs until stopped by a signal; `say` writes to the terminal. */
type ServiceMain = (config: SakerConfig, log: Logger, say: (text: string) => void) => Promise<void>;

/** The three long-running commands: each validates its config first, so a bad key fails fast. */
const SERVICES = [
  {
    name: 'run',
    description: 'run detector, sidekick and web UI in one process with embedded defaults (what `npm start` runs)',
    main: runAllInOne,
    printConfig: printableConfig,
  },
  {
    name: 'detector',
    description: 'run the detector alone: watch this host with eBPF (root), evaluate rules, post alerts to the sidekick',
    main: runDetector,
    printConfig: printableConfig,
  },
  {
    name: 'sidekick',
    description: 'run the sidekick alone: receive alerts over HTTP and fan them out to outputs and the web UI',
    main: runSidekick,
    printConfig: printableConfig,
  },
] as const satisfies readonly { name: string; description: string; main: ServiceMain; printConfig: (config: SakerConfig) => string }[];

export const serviceCommands: CommandModule = (program, { io, action }) => {
  for (const service of SERVICES) {
    const command = withServiceOptions(program.command(service.name).description(service.description));
    command.option('--print-config', 'print the effective config (secrets masked) and exit');
    command.action(
      action<ServiceOptions & { printConfig?: boolean }>(async (options) => {
        const config = loadServiceConfig(options);
        if (options.printConfig) {
          io.out(service.printConfig(config));
          return EXIT.OK;
        }
        // The schema only admits LOG_LEVELS, so the cast is a narrowing TypeBox cannot express.
        const level = config.loglevel as (typeof LOG_LEVELS)[number];
        await service.main(config, createLogger({ level, name: `saker-${service.name}` }), io.out);
        return EXIT.OK;
      }),
    );
  }
};
