import { pino } from 'pino';
import type { PluginContext } from './api.js';
import { BUILTIN_PLUGINS, STAND_IN_PLUGINS } from './builtin/index.js';
import { PluginRegistry } from './registry.js';

// Offline users (rules validation, replay, field tables) have no plugin data or log of their own.
const OFFLINE_CONTEXT: PluginContext = { log: pino({ level: 'silent' }), datadir: '' };

/**
 * A registry of the built-in plugins with their default settings, built synchronously: what
 * `saker rules validate`, `saker replay` and the static field tables use when no detector config
 * is involved. The detector builds its own, with the config's plugins (see loadPlugins).
 */
export function builtinRegistry(): PluginRegistry {
  const registry = new PluginRegistry();
  for (const [name, factory] of BUILTIN_PLUGINS) {
    const plugin = factory(OFFLINE_CONTEXT);
    // Built-in factories are synchronous by construction; an async one is a bug in Saker itself.
    if (plugin instanceof Promise) throw new Error(`built-in plugin ${name} has an async factory`);
    registry.register(plugin, { builtin: true });
  }
  for (const standIn of STAND_IN_PLUGINS) registry.addStandIn(standIn);
  return registry;
}

let shared: PluginRegistry | undefined;

/** One built-in registry per process (its tables are immutable once built). */
export function builtinPlugins(): PluginRegistry {
  shared ??= builtinRegistry();
  return shared;
}
