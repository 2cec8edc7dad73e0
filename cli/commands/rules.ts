import { ConditionSyntaxError, parseCondition, printCondition } from '../../detector/engine/condition/index.js';
import { formatLoadReport, loadRules } from '../../detector/engine/loader/index.js';
import { FIELD_TABLES } from '../../detector/fields/index.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../context.js';

export const rulesCommand: CommandModule = (program, { io, action }) => {
  const rules = program.command('rules').description('check and inspect Falco rules files');
  rules
    .command('validate')
    .description("load rules files and report errors and warnings, like Falco's -V")
    .argument('<file...>', 'rules files, loaded in order')
    .option('--json', 'print Falco-style load results as JSON')
    .action(
      action<{ json?: boolean }>(async (options, command) => {
        const files = command.args;
        const { result } = loadRules(files, { fieldTables: FIELD_TABLES });
        io.out(options.json ? `${JSON.stringify(result)}\n` : formatLoadReport(result));
        return result.successful ? EXIT.OK : EXIT.FAILURE;
      }),
    );
  rules
    .command('parse')
    .description('parse a condition and print its canonical form')
    .argument('<condition>', 'a Falco condition')
    .action(
      action(async (_options, command) => {
        const condition = command.args[0] ?? '';
        try {
          io.out(`${printCondition(parseCondition(condition))}\n`);
          return EXIT.OK;
        } catch (error) {
          if (!(error instanceof ConditionSyntaxError)) throw error;
          io.err(`${error.pos.line}:${error.pos.column}: ${error.message}\n`);
          return EXIT.FAILURE;
        }
      }),
    );
};
