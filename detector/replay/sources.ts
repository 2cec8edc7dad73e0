import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../common/package-info.js';
import { readAuditFile, AuditReadStats } from '../sources/k8s-audit/index.js';
import { readCloudtrail, CloudtrailReadStats } from '../sources/cloudtrail/index.js';
import { replayScap } from '../sources/scap/index.js';
import { isRuleEvent, type SyscallEvent } from '../sources/syscall/index.js';

/** What a replay source reads and what it could not use. */
export interface ReplayRun {
  events: AsyncIterable<unknown>;
  /** One line for the summary: what was skipped and why. */
  skipped(): string;
}

/** A source `saker replay` can read: how to open an input and the rules used when none are given. */
export interface ReplaySource {
  /** The `source:` of the rules that apply to its events. */
  source: string;
  defaultRules: string[];
  open(input: string): ReplayRun;
}

const rules = (file: string): string => join(PACKAGE_ROOT, 'rules', file);

/** `reason: count` pairs of a reader's skip counters, or `none`. */
function describeSkips(skipped: ReadonlyMap<string, number>): string {
  return skipped.size === 0 ? 'none' : [...skipped].map(([reason, count]) => `${reason}: ${count}`).join(', ');
}

/** Every source `saker replay --source` accepts. */
export const REPLAY_SOURCES: ReadonlyMap<string, ReplaySource> = new Map<string, ReplaySource>([
  [
    'syscall',
    {
      source: 'syscall',
      defaultRules: [rules('saker_rules.yaml')],
      open(input) {
        const replay = replayScap(input);
        // Rules see exit events only (Falco since 0.42); enter events still update state.
        async function* events(): AsyncGenerator<SyscallEvent> {
          for (const event of replay.events) if (isRuleEvent(event.layout)) yield event;
        }
        return {
          events: events(),
          skipped: () => {
            const { stats } = replay;
            const counts = new Map<string, number>([
              ['unknown event types', [...stats.unknownEventTypes.values()].reduce((a, b) => a + b, 0)],
              ['corrupt events', stats.corruptEvents],
              ['skipped blocks', stats.skippedBlocks],
              ['corrupt metadata', stats.corruptMetadata],
            ]);
            const nonzero = new Map([...counts].filter(([, n]) => n > 0));
            return describeSkips(nonzero) + (stats.truncated ? `; file truncated (${stats.stopReason ?? 'ended mid-block'})` : '');
          },
        };
      },
    },
  ],
  [
    'k8s_audit',
    {
      source: 'k8s_audit',
      defaultRules: [rules('saker_k8s_audit_rules.yaml')],
      open(input) {
        const stats = new AuditReadStats();
        return { events: readAuditFile(input, { stats }), skipped: () => describeSkips(stats.skipped) };
      },
    },
  ],
  [
    'aws_cloudtrail',
    {
      source: 'aws_cloudtrail',
      defaultRules: [rules('saker_cloudtrail_rules.yaml')],
      open(input) {
        const stats = new CloudtrailReadStats();
        return { events: readCloudtrail(input, { stats }), skipped: () => describeSkips(stats.skipped) };
      },
    },
  ],
]);
