import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../common/package-info.js';
import { pino } from 'pino';
import type { PluginEvent, PluginEventStream } from '../plugins/api.js';
import { builtinPlugins } from '../plugins/builtin-registry.js';
import { DEFAULT_RULES_BY_SOURCE } from '../plugins/default-rules.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { replayScap } from '../sources/scap/index.js';
import { isRuleEvent, type SyscallEvent } from '../sources/syscall/index.js';
import { openRecording } from './recording.js';

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

/** Replay reads through the plugin's own source, with the input as its open parameters. */
function pluginReplaySource(registry: PluginRegistry, source: string): ReplaySource {
  const entry = registry.sourcePlugin(source);
  return {
    source,
    defaultRules: [DEFAULT_RULES_BY_SOURCE.get(source)].filter((file) => file !== undefined),
    open(input) {
      let stream: PluginEventStream | undefined;
      async function* events(): AsyncGenerator<PluginEvent> {
        if (entry?.plugin.source === undefined) return;
        stream = await entry.plugin.source.open(input, { log: pino({ level: 'silent' }), datadir: '' });
        yield* stream;
      }
      return { events: events(), skipped: () => describeSkips(stream?.skipped?.() ?? new Map()) };
    },
  };
}

/** A replay source per plugin source of `registry`. */
function pluginReplaySources(registry: PluginRegistry): [string, ReplaySource][] {
  return [...registry.fieldTables.keys()].map((source) => [source, pluginReplaySource(registry, source)]);
}

/** Every source `saker replay --source` accepts: syscall captures and the built-in plugin sources. */
export const REPLAY_SOURCES: ReadonlyMap<string, ReplaySource> = new Map<string, ReplaySource>([
  [
    'syscall',
    {
      source: 'syscall',
      defaultRules: [rules('saker_rules.yaml')],
      open(input) {
        const recording = openRecording(input);
        if (recording) return recording;
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
  ...pluginReplaySources(builtinPlugins()),
]);
