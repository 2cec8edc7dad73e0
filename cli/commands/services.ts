import type { SakerConfig } from '../../common/config/index.js';
import { createLogger, type LOG_LEVELS, type Logger } from '../../common/logger.js';
import { printableConfig, runSidekick } from '../../sidekick/index.js';
import { runAllInOne } from '../all-in-one.js';
import { runDetector } from '../detector-main.js';
import { EXIT } from '../exit-codes.js';
import { loadServiceConfig, withServiceOptions, type CommandModule, type ServiceOptions } from '../context.js';

/** Command-line flags some services take beyond the common ones (commander's camel-cased names). */
export interface ServiceFlags {
  record?: string;
  recordMaxSize?: string;
}

/** A service that is built: runs until stopped by a signal; `say` writes to the terminal. */
type ServiceMain = (config: SakerConfig, log: Logger, say: (text: string) => void, flags: ServiceFlags) => Promise<void>;

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
    flags: [
      ['--record <file>', 'also write every live record to FILE (JSON lines, .jsonl) for `saker replay -i FILE`'],
      ['--record-max-size <size>', 'largest record file; what does not fit is counted and left out (e.g. 500M)', '1G'],
    ],
  },
  {
    name: 'sidekick',
    description: 'run the sidekick alone: receive alerts over HTTP and fan them out to outputs and the web UI',
    main: runSidekick,
    printConfig: printableConfig,
  },
] as const satisfies readonly {
  name: string;
  description: string;
  main: ServiceMain;
  printConfig: (config: SakerConfig) => string;
  flags?: readonly (readonly [flag: string, description: string, fallback?: string])[];
}[];

export const serviceCommands: CommandModule = (program, { io, action }) => {
  for (const service of SERVICES) {
    const command = withServiceOptions(program.command(service.name).description(service.description));
    command.option('--print-config', 'print the effective config (secrets masked) and exit');
    for (const [flag, description, fallback] of 'flags' in service ? service.flags : []) command.option(flag, description, fallback);
    command.action(
      action<ServiceOptions & ServiceFlags & { printConfig?: boolean }>(async (options) => {
        const config = loadServiceConfig(options);
        if (options.printConfig) {
          io.out(service.printConfig(config));
          return EXIT.OK;
        }
        // The schema only admits LOG_LEVELS, so the cast is a narrowing TypeBox cannot express.
        const level = config.loglevel as (typeof LOG_LEVELS)[number];
        await service.main(config, createLogger({ level, name: `saker-${service.name}` }), io.out, options);
        return EXIT.OK;
      }),
    );
  }
};
