import { loadServiceConfig, notBuiltYet, withServiceOptions, type CommandModule, type ServiceOptions } from '../context.js';

/** The three long-running commands: each validates its config first, so a bad key fails fast. */
const SERVICES = [
  {
    name: 'run',
    description: 'run detector, sidekick and web UI in one process with embedded defaults (what `npm start` runs)',
    pending: 'the all-in-one service needs the detector, sidekick and web UI',
  },
  {
    name: 'detector',
    description: 'run the detector alone: watch this host, evaluate rules, post alerts to the sidekick',
    pending: 'the live event sources are not implemented yet',
  },
  {
    name: 'sidekick',
    description: 'run the sidekick alone: receive alerts over HTTP and fan them out to outputs and the web UI',
    pending: 'the sidekick service is not implemented yet',
  },
] as const;

export const serviceCommands: CommandModule = (program, { io, action }) => {
  for (const service of SERVICES) {
    withServiceOptions(program.command(service.name).description(service.description)).action(
      action<ServiceOptions>(async (options) => {
        loadServiceConfig(options);
        return notBuiltYet(io, service.name, service.pending);
      }),
    );
  }
};
