import { SakerError } from '../../common/errors.js';
import type { FieldSpec, FieldTable } from '../engine/fields.js';
import type { AvailablePlugin } from '../engine/loader/index.js';
import type { PluginEvent, SakerPlugin } from './api.js';
import { sourceEventFields } from './event-fields.js';
import { PluginFaults } from './faults.js';
import { toFieldSpec } from './field-spec.js';
import { validatePlugin } from './validate.js';

/** A plugin in the registry, and where it came from. */
export interface RegisteredPlugin {
  plugin: SakerPlugin;
  /** Shipped with Saker (k8saudit, cloudtrail, json) rather than loaded from `library`. */
  builtin: boolean;
  /** The module it was loaded from, as configured. */
  library?: string;
}

/** Whether `entry`'s fields apply to events of `source` (Falco's extract_event_sources rules). */
function extractsFor(plugin: SakerPlugin, source: string): boolean {
  if (plugin.fields === undefined) return false;
  if (plugin.extractEventSources !== undefined) return plugin.extractEventSources.includes(source);
  return plugin.source === undefined || plugin.source.name === source;
}

const NO_EVENT_TYPES: ReadonlySet<string> = new Set();

/**
 * The plugins one process knows, and what they add up to: a field table per plugin source (the
 * source plugin's fields, every compatible extractor plugin's fields and the generic `evt.*` fields),
 * and the plugin versions rules' `required_plugin_versions` are checked against. Registering refuses,
 * with a message naming the plugin, anything that would make the tables ambiguous: a second plugin
 * of the same name or source, or a field two plugins define for one source.
 */
export class PluginRegistry {
  readonly faults: PluginFaults;
  private readonly entries: RegisteredPlugin[] = [];
  private readonly standIns: AvailablePlugin[] = [];
  private tables = new Map<string, FieldTable<PluginEvent>>();

  constructor(faults: PluginFaults = new PluginFaults()) {
    this.faults = faults;
  }

  /** Adds a plugin (validated first); throws `SAKER_ERR_PLUGIN_INVALID` / `SAKER_ERR_PLUGIN_CONFLICT`. */
  register(candidate: unknown, origin: { builtin: boolean; library?: string; label?: string }): RegisteredPlugin {
    const plugin = validatePlugin(candidate, origin.label ?? origin.library ?? 'plugin');
    const clash = this.entries.find((e) => e.plugin.name === plugin.name);
    if (clash) throw new SakerError('SAKER_ERR_PLUGIN_CONFLICT', `plugin ${plugin.name} is already loaded${clash.builtin ? ' (built in)' : ''}`);
    const source = plugin.source?.name;
    const sameSource = source === undefined ? undefined : this.entries.find((e) => e.plugin.source?.name === source);
    if (sameSource) {
      throw new SakerError('SAKER_ERR_PLUGIN_CONFLICT', `plugin ${plugin.name} provides source ${source}, which plugin ${sameSource.plugin.name} already provides`);
    }
    const entry: RegisteredPlugin = { plugin, builtin: origin.builtin, ...(origin.library !== undefined ? { library: origin.library } : {}) };
    // Compose before committing, so a conflicting plugin leaves the registry as it was.
    this.tables = this.compose([...this.entries, entry]);
    this.entries.push(entry);
    return entry;
  }

  /** A name rules may require that Saker serves without a plugin of that name, at the version of the Falco plugin it stands for. */
  addStandIn(standIn: AvailablePlugin): void {
    if (!this.standIns.some((s) => s.name === standIn.name)) this.standIns.push({ ...standIn });
  }

  get plugins(): readonly RegisteredPlugin[] {
    return this.entries;
  }

  get(name: string): RegisteredPlugin | undefined {
    return this.entries.find((e) => e.plugin.name === name);
  }

  /** The plugin providing event source `source`. */
  sourcePlugin(source: string): RegisteredPlugin | undefined {
    return this.entries.find((e) => e.plugin.source?.name === source);
  }

  /** Field tables of every plugin source, keyed by source name. */
  get fieldTables(): ReadonlyMap<string, FieldTable<PluginEvent>> {
    return this.tables;
  }

  /** The sources each plugin's fields apply to. */
  extractSources(plugin: SakerPlugin): string[] {
    return [...this.tables.keys()].filter((source) => extractsFor(plugin, source));
  }

  /** Loaded plugins and stand-ins, for `required_plugin_versions`. */
  get available(): AvailablePlugin[] {
    return [...this.entries.map((e) => ({ name: e.plugin.name, version: e.plugin.version })), ...this.standIns];
  }

  private compose(entries: readonly RegisteredPlugin[]): Map<string, FieldTable<PluginEvent>> {
    const tables = new Map<string, FieldTable<PluginEvent>>();
    for (const { plugin } of entries) {
      const source = plugin.source;
      if (source === undefined) continue;
      const fields = new Map<string, { spec: FieldSpec<PluginEvent>; owner: string }>();
      const add = (owner: string, spec: FieldSpec<PluginEvent>): void => {
        const previous = fields.get(spec.name);
        if (previous) {
          throw new SakerError(
            'SAKER_ERR_PLUGIN_CONFLICT',
            `field ${spec.name} of plugin ${owner} is already defined for source ${source.name} by ${previous.owner}`,
          );
        }
        fields.set(spec.name, { spec, owner });
      };
      for (const other of entries) {
        if (!extractsFor(other.plugin, source.name)) continue;
        for (const field of other.plugin.fields ?? []) add(`plugin ${other.plugin.name}`, toFieldSpec(other.plugin.name, field, this.faults, other.builtin));
      }
      for (const spec of sourceEventFields(plugin.name, source, this.faults)) add('Saker (generic plugin event fields)', spec);
      tables.set(source.name, {
        source: source.name,
        fields: new Map([...fields].map(([name, { spec }]) => [name, spec])),
        eventTypeOf: () => undefined,
        timeOf: (event) => event.time,
        eventTypes: NO_EVENT_TYPES,
        // A plugin field's value depends on the event alone (libsinsp caches it per event too).
        memoize: true,
      });
    }
    return tables;
  }
}
