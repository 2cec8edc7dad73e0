import { Command, CommanderError } from 'commander';
import { SAKER_VERSION } from '../common/package-info.js';
import { isSakerError, ERROR_CODES } from '../common/errors.js';
import { COMMANDS } from './commands/index.js';
import { processIO, type CliIO, type CommandContext } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** Builds the `saker` command tree. `exitCode.value` is set by whichever action runs. */
export function buildProgram(io: CliIO, exitCode: { value: ExitCode }): Command {
  const program = new Command('saker')
    .description('Falco-compatible runtime-security detector and alert fan-out')
    .version(SAKER_VERSION, '-V, --version', 'print the Saker version')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)')
    // Throw instead of exiting so `main` decides the exit code (2 for usage errors).
    .exitOverride();
  const context: CommandContext = {
    io,
    action:
      (body) =>
      async (...args) => {
        const command = args[args.length - 1] as Command;
        exitCode.value = await body(command.opts() as never, command);
      },
  };
  for (const register of COMMANDS) register(program, context);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<ExitCode> {
  const exitCode: { value: ExitCode } = { value: EXIT.OK };
  const program = buildProgram(io, exitCode);
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode.value;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exit code 0; every other Commander error is a usage error.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (isSakerError(error)) {
      io.err(`saker: ${error.message}\n`);
      return error.code === ERROR_CODES.USAGE ? EXIT.USAGE : EXIT.FAILURE;
    }
    io.err(`saker: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.FAILURE;
  }
}
