import type { CommandModule } from '../context.js';
import { serviceCommands } from './services.js';
import { rulesCommand } from './rules.js';
import { replayCommand } from './replay.js';
import { pluginsCommand } from './plugins.js';
import { versionCommand } from './version.js';
import { demoCommand } from './demo.js';

/** Every subcommand of `saker`, in the order `--help` lists them. */
export const COMMANDS: readonly CommandModule[] = [serviceCommands, rulesCommand, replayCommand, pluginsCommand, demoCommand, versionCommand];
