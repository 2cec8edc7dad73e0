import { notBuiltYet, type CommandModule } from '../context.js';

export const rulesCommand: CommandModule = (program, { io, action }) => {
  const rules = program.command('rules').description('check and inspect Falco rules files');
  rules
    .command('validate')
    .description("load rules files and report errors and warnings, like Falco's -V")
    .argument('<file...>', 'rules files, loaded in order')
    .option('--json', 'print Falco-style load results as JSON')
    .action(action(async () => notBuiltYet(io, 'rules validate', 'the rules engine is not implemented yet')));
  rules
    .command('parse')
    .description('parse a condition and print its canonical form')
    .argument('<condition>', 'a Falco condition')
    .action(action(async () => notBuiltYet(io, 'rules parse', 'the rules engine is not implemented yet')));
};
