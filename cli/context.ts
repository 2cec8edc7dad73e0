import type { Command } from 'commander';
import { loadConfig, type SakerConfig } from '../common/config/index.js';
import { LOG_LEVELS } from '../common/logger.js';
import { SakerError, ERROR_CODES } from '../common/errors.js';
import type { ExitCode } from './exit-codes.js';

/** Where a command writes; tests pass their own to capture output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A command's body: returns the process exit code. */
export type CommandAction<Options> = (options: Options, command: Command) => Promise<ExitCode>;

/** Options shared by the commands that start a service. */
export interface ServiceOptions {
  config?: string;
  logLevel?: string;
}

/** Adds `--config` and `--log-level` to a service command. */
export function withServiceOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML config file (environment variables override it; default: $SAKER_CONFIG)')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}`);
}

/** Loads the config a service command was given: file, then environment, then flags. */
export function loadServiceConfig(options: ServiceOptions): SakerConfig {
  if (options.logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
    throw new SakerError(ERROR_CODES.USAGE, `--log-level must be one of ${LOG_LEVELS.join(', ')}, not '${options.logLevel}'`);
  }
  const file = options.config ?? process.env.SAKER_CONFIG;
  return loadConfig({ file: file || undefined, overrides: { loglevel: options.logLevel } });
}

/** What every command module receives: where to write and how to report its exit code. */
export interface CommandContext {
  io: CliIO;
  /** Wraps a command body so its exit code reaches `main`. */
  action<Options>(body: CommandAction<Options>): (...args: unknown[]) => Promise<void>;
}

/** A subcommand: adds itself (and its own subcommands) to the program. */
export type CommandModule = (program: Command, context: CommandContext) => void;
