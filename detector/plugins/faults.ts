import type { Logger } from 'pino';

/** The ways a plugin can misbehave at run time, each counted separately. */
export const PLUGIN_FAULT_KINDS = ['extract-threw', 'bad-value', 'bad-event', 'stream-failed', 'close-failed'] as const;
export type PluginFaultKind = (typeof PLUGIN_FAULT_KINDS)[number];

const MESSAGES: Record<PluginFaultKind, string> = {
  'extract-threw': 'a field extractor of plugin threw; the field has no value for that event (further ones counted, not logged)',
  'bad-value': 'a field extractor of plugin returned a value of the wrong type; treated as no value (further ones counted, not logged)',
  'bad-event': 'plugin source yielded an event without a bigint `time`; skipped (further ones counted, not logged)',
  'stream-failed': 'plugin source failed; it stops, other sources go on',
  'close-failed': 'plugin source failed to close',
};

/**
 * Counts what plugins do wrong at run time and logs the first fault of each kind per plugin, naming
 * the plugin: a faulty plugin is isolated (its bad values become "no value", its bad events are
 * skipped) and never stops the detector or floods the log.
 */
export class PluginFaults {
  private readonly counts = new Map<string, Map<PluginFaultKind, number>>();

  constructor(private readonly log?: Logger) {}

  record(plugin: string, kind: PluginFaultKind, detail: Record<string, unknown> = {}): void {
    let byKind = this.counts.get(plugin);
    if (byKind === undefined) {
      byKind = new Map();
      this.counts.set(plugin, byKind);
    }
    const before = byKind.get(kind) ?? 0;
    byKind.set(kind, before + 1);
    if (before === 0) this.log?.warn({ plugin, fault: kind, ...detail }, `${MESSAGES[kind]} [plugin ${plugin}]`);
  }

  /** Counts per plugin and kind, e.g. `{ dummy: { 'extract-threw': 3 } }`. */
  snapshot(): Record<string, Partial<Record<PluginFaultKind, number>>> {
    const out: Record<string, Partial<Record<PluginFaultKind, number>>> = {};
    for (const [plugin, byKind] of this.counts) out[plugin] = Object.fromEntries(byKind);
    return out;
  }

  count(plugin: string, kind: PluginFaultKind): number {
    return this.counts.get(plugin)?.get(kind) ?? 0;
  }
}
