import { notBuiltYet, type CommandModule } from '../context.js';

export const replayCommand: CommandModule = (program, { io, action }) => {
  program
    .command('replay')
    .description('evaluate rules over a capture file and print one JSON alert per line')
    .requiredOption('-i, --input <file>', 'capture file (.scap, .scap.gz or .jsonl)')
    .option('-s, --source <source>', 'event source of the capture', 'syscall')
    .option('-r, --rules <file...>', "rules files (default: Saker's own)")
    .action(action(async () => notBuiltYet(io, 'replay', 'capture readers are not implemented yet')));
};
