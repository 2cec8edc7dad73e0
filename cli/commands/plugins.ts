import { pino } from 'pino';
import { loadPlugins, type LoadedPlugins } from '../../detector/plugins/load.js';
import type { PluginField } from '../../detector/plugins/api.js';
import type { RegisteredPlugin } from '../../detector/plugins/registry.js';
import { EXIT } from '../exit-codes.js';
import { loadServiceConfig, withServiceOptions, type CommandModule, type ServiceOptions } from '../context.js';

/** One plugin as `saker plugins list --json` prints it. */
interface PluginListing {
  name: string;
  version: string;
  description: string;
  contact?: string;
  builtin: boolean;
  library?: string;
  /** Whether the detector config selects it (its source then runs in `saker detector`). */
  configured: boolean;
  source?: string;
  extract_sources: string[];
  fields: { name: string; type: string; list: boolean; arg: string; description: string }[];
}

/** `none`, `index`, `key`, with `(required)` when the argument cannot be left out. */
function argText(field: PluginField): string {
  const kind = field.arg?.isIndex === true ? 'index' : field.arg?.isKey === true ? 'key' : 'none';
  return kind !== 'none' && field.arg?.isRequired === true ? `${kind} (required)` : kind;
}

function listing(loaded: LoadedPlugins, entry: RegisteredPlugin): PluginListing {
  const { plugin } = entry;
  return {
    name: plugin.name,
    version: plugin.version,
    description: plugin.description,
    ...(plugin.contact !== undefined ? { contact: plugin.contact } : {}),
    builtin: entry.builtin,
    ...(entry.library !== undefined ? { library: entry.library } : {}),
    configured: loaded.configured.some((c) => c.entry === entry),
    ...(plugin.source !== undefined ? { source: plugin.source.name } : {}),
    extract_sources: loaded.registry.extractSources(plugin),
    fields: (plugin.fields ?? []).map((f) => ({ name: f.name, type: f.type, list: f.list === true, arg: argText(f), description: f.description })),
  };
}

/** The text form, after `falco --list-plugins`: one block per plugin, then what failed. */
function render(plugins: PluginListing[], failed: { name: string; code: string; message: string }[]): string {
  const lines = [`${plugins.length} Plugins Loaded:`, ''];
  for (const p of plugins) {
    lines.push(`Name: ${p.name}`, `Description: ${p.description}`, `Contact: ${p.contact ?? ''}`, `Version: ${p.version}`);
    lines.push(`Origin: ${p.builtin ? 'built in' : p.library ?? ''}${p.configured ? ' (configured)' : ''}`);
    lines.push('Capabilities:');
    if (p.source !== undefined) lines.push(`  - Event Sourcing (source='${p.source}')`);
    if (p.fields.length > 0) lines.push(`  - Field Extraction (sources: ${p.extract_sources.join(', ') || 'none loaded'})`);
    if (p.fields.length > 0) lines.push(`Fields (${p.fields.length}):`);
    for (const f of p.fields) lines.push(`  ${f.name} (${f.type}${f.list ? ' list' : ''}${f.arg === 'none' ? '' : `, arg: ${f.arg}`})  ${f.description}`);
    lines.push('');
  }
  if (failed.length > 0) {
    lines.push(`${failed.length} Plugins Failed To Load:`, '');
    for (const f of failed) lines.push(`Name: ${f.name}`, `Error: ${f.code}: ${f.message}`, '');
  }
  return lines.join('\n');
}

export const pluginsCommand: CommandModule = (program, { io, action }) => {
  const plugins = program.command('plugins').description('inspect the detector plugins');
  withServiceOptions(
    plugins.command('list').description('print the plugins the detector config loads: version, source, fields; exits 1 when one fails to load'),
  )
    .option('--json', 'print one JSON object')
    .action(
      action<ServiceOptions & { json?: boolean }>(async (options) => {
        const config = loadServiceConfig(options);
        // Failures are printed below, not logged: the output is the report.
        const loaded = await loadPlugins(config.detector, { log: pino({ level: 'silent' }), datadir: config.datadir });
        try {
          const listed = loaded.registry.plugins.map((entry) => listing(loaded, entry));
          const failed = loaded.failures.map((f) => ({ name: f.name, code: f.error.code, message: f.error.message }));
          io.out(options.json ? `${JSON.stringify({ plugins: listed, failed })}\n` : render(listed, failed));
          return failed.length === 0 ? EXIT.OK : EXIT.FAILURE;
        } finally {
          await loaded.destroy();
        }
      }),
    );
};
