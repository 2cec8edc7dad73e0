import { REPLAY_SOURCES, ReplayRulesError, replay } from '../../detector/replay/index.js';
import { SakerError } from '../../common/errors.js';
import { stringifyJson } from '../../contract/index.js';
import { EXIT } from '../exit-codes.js';
import type { CommandModule } from '../context.js';

interface ReplayCliOptions {
  input: string;
  source: string;
  rules?: string[];
  ruleMatching: string;
}

const SOURCES = [...REPLAY_SOURCES.keys()].join(', ');

export const replayCommand: CommandModule = (program, { io, action }) => {
  program
    .command('replay')
    .description('evaluate rules over a capture file and print one JSON alert per line')
    .requiredOption('-i, --input <file>', 'capture: .scap/.scap.gz or a `saker detector --record` .jsonl (syscall), audit events (k8s_audit), CloudTrail file or folder (aws_cloudtrail)')
    .option('-s, --source <source>', `event source of the capture: ${SOURCES}`, 'syscall')
    .option('-r, --rules <file...>', "rules files, loaded in order (default: Saker's own rules for the source)")
    .option('--rule-matching <mode>', "Falco's rule_matching: first or all", 'first')
    .action(
      action<ReplayCliOptions>(async (options) => {
        const source = REPLAY_SOURCES.get(options.source);
        if (!source) throw new SakerError('SAKER_ERR_USAGE', `unknown --source '${options.source}' (expected one of ${SOURCES})`);
        if (options.ruleMatching !== 'first' && options.ruleMatching !== 'all') {
          throw new SakerError('SAKER_ERR_USAGE', `--rule-matching must be first or all, not '${options.ruleMatching}'`);
        }
        try {
          const summary = await replay({
            source,
            input: options.input,
            rules: options.rules ?? [],
            ruleMatching: options.ruleMatching,
            onAlert: (alert) => io.out(`${stringifyJson(alert)}\n`),
          });
          const rules = [...summary.byRule].map(([rule, n]) => `  ${n}\t${rule}`).join('\n');
          io.err(`replay: ${summary.events} events, ${summary.alerts} alerts; skipped: ${summary.skipped}\n${rules}${rules ? '\n' : ''}`);
          return EXIT.OK;
        } catch (error) {
          if (error instanceof ReplayRulesError) {
            io.err(error.report);
            return EXIT.FAILURE;
          }
          throw error;
        }
      }),
    );
};
