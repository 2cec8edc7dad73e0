import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import type { DetectorConfig } from '../../common/config/index.js';
import { SakerError, isSakerError } from '../../common/errors.js';
import type { PluginContext, PluginFactory, SakerPlugin } from './api.js';
import { BUILTIN_PLUGINS, FALCO_LIBRARY_NAMES, STAND_IN_PLUGINS } from './builtin/index.js';
import { PluginFaults } from './faults.js';
import { PluginRegistry, type RegisteredPlugin } from './registry.js';
import { validatePlugin } from './validate.js';

/** One `plugins:` entry of the detector config. */
export type PluginConfig = DetectorConfig['plugins'][number];

/** A plugin the config asked for and that loaded: what the detector opens. */
export interface ConfiguredPlugin {
  entry: RegisteredPlugin;
  /** The entry's `open_params` ('' when absent). */
  openParams: string;
  context: PluginContext;
}

/** A plugin the config asked for that could not be loaded, and why. */
export interface PluginLoadFailure {
  name: string;
  library?: string;
  error: SakerError;
}

/** Every plugin of the process, and which of them the config asked for. */
export interface LoadedPlugins {
  registry: PluginRegistry;
  configured: ConfiguredPlugin[];
  failures: PluginLoadFailure[];
  /** Calls every plugin's destroy(), reporting (never throwing) failures. */
  destroy(): Promise<void>;
}

export interface LoadPluginsOptions {
  log: Logger;
  /** Saker's data directory; each plugin gets `<datadir>/plugins/<name>`. */
  datadir: string;
}

/**
 * falco.yaml's selection: without `load_plugins` every `plugins` entry, in order; with it only the
 * named entries, in its order (empty: none). A name without an entry stops start-up, as in Falco.
 */
export function selectPlugins(config: Pick<DetectorConfig, 'plugins' | 'load_plugins'>): PluginConfig[] {
  if (config.load_plugins === undefined) return [...config.plugins];
  return config.load_plugins.map((name) => {
    const found = config.plugins.find((p) => p.name === name);
    if (!found) throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', `Cannot load plugin '${name}': plugin config not found for given name`);
    return found;
  });
}

const libraryOf = (config: PluginConfig): string | undefined => config.library ?? config.library_path;

/** The built-in a config entry stands for: no library, or Falco's library file of a built-in. */
function builtinFor(config: PluginConfig): PluginFactory | undefined {
  const library = libraryOf(config);
  if (library === undefined || library === '') return BUILTIN_PLUGINS.get(config.name);
  const falcoName = FALCO_LIBRARY_NAMES.get(basename(library));
  return falcoName === undefined ? undefined : BUILTIN_PLUGINS.get(falcoName);
}

const isPath = (library: string): boolean => library.startsWith('.') || isAbsolute(library) || /\.(m?js|ts)$/.test(library);

/** Resolves `library` to an importable URL: a path from the working directory, or a package name. */
function moduleUrl(library: string): string {
  if (isPath(library)) {
    const path = resolve(library);
    if (!existsSync(path)) throw new SakerError('SAKER_ERR_PLUGIN_LOAD', `no such file ${path}`);
    return pathToFileURL(path).href;
  }
  try {
    // A package installed beside the user's config (the working directory) first, then beside Saker.
    return pathToFileURL(createRequire(join(process.cwd(), 'package.json')).resolve(library)).href;
  } catch {
    return library;
  }
}

/** Imports a plugin module and returns its default export, which must be a factory. */
async function importFactory(library: string): Promise<PluginFactory> {
  if (library.endsWith('.so')) {
    throw new SakerError('SAKER_ERR_PLUGIN_LOAD', `${library} is a native Falco plugin; Saker loads JavaScript plugin modules (see docs/plugins.md)`);
  }
  let module: { default?: unknown };
  try {
    module = (await import(moduleUrl(library))) as { default?: unknown };
  } catch (cause) {
    if (isSakerError(cause)) throw cause;
    throw new SakerError('SAKER_ERR_PLUGIN_LOAD', `cannot import ${library}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (typeof module.default !== 'function') {
    throw new SakerError('SAKER_ERR_PLUGIN_LOAD', `${library} has no default export that is a plugin factory function`);
  }
  return module.default as PluginFactory;
}

/** Runs one step of a plugin's start, turning whatever it throws into a SakerError naming the plugin. */
async function step<T>(name: string, what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    if (isSakerError(cause) && cause.message.includes(name)) throw cause;
    throw new SakerError(isSakerError(cause) ? cause.code : 'SAKER_ERR_PLUGIN_LOAD', `plugin ${name}: ${what}: ${reason}`, { cause });
  }
}

/** Builds, validates and initializes one plugin; throws a SakerError naming it. */
async function startPlugin(
  name: string,
  factory: PluginFactory,
  initConfig: unknown,
  context: PluginContext,
): Promise<SakerPlugin> {
  const made = await step(name, 'the factory failed', () => factory(context));
  const plugin = await step(name, 'invalid plugin', () => validatePlugin(made, name));
  if (plugin.name !== name) {
    throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', `plugin ${name}: the module declares the name '${plugin.name}'; plugins[].name must match it`);
  }
  await step(name, 'init failed', () => plugin.init?.(initConfig, context));
  return plugin;
}

/**
 * Loads the plugins of a detector config: the built-ins (always, for their fields; with the
 * config's init_config when configured) and every selected `plugins` entry. A plugin that cannot be
 * imported, is malformed, fails init or conflicts with another is left out and reported in
 * `failures` (and logged, naming it) — it never stops the others. Only a `load_plugins` name without
 * a `plugins` entry throws, as Falco refuses that config.
 */
export async function loadPlugins(config: Pick<DetectorConfig, 'plugins' | 'load_plugins'>, options: LoadPluginsOptions): Promise<LoadedPlugins> {
  const selected = selectPlugins(config);
  const registry = new PluginRegistry(new PluginFaults(options.log));
  const configured: ConfiguredPlugin[] = [];
  const failures: PluginLoadFailure[] = [];
  const started: SakerPlugin[] = [];
  const contextFor = (name: string): PluginContext => ({ log: options.log.child({ plugin: name }), datadir: join(options.datadir, 'plugins', name) });

  const load = async (name: string, library: string | undefined, factory: () => Promise<PluginFactory> | PluginFactory, pluginConfig?: PluginConfig): Promise<void> => {
    const context = contextFor(name);
    try {
      const plugin = await startPlugin(name, await step(name, 'cannot load', factory), pluginConfig?.init_config, context);
      started.push(plugin);
      const entry = registry.register(plugin, { builtin: library === undefined, ...(library !== undefined ? { library } : {}) });
      if (pluginConfig) configured.push({ entry, openParams: pluginConfig.open_params ?? '', context });
    } catch (error) {
      const failure = isSakerError(error) ? error : new SakerError('SAKER_ERR_PLUGIN_LOAD', `plugin ${name}: ${String(error)}`, { cause: error });
      failures.push({ name, ...(library !== undefined ? { library } : {}), error: failure });
      options.log.error({ plugin: name, code: failure.code, err: failure }, `plugin ${name} was not loaded: ${failure.message}`);
    }
  };

  const configuredBuiltins = new Map(selected.filter((c) => builtinFor(c) !== undefined).map((c) => [builtinFor(c), c] as const));
  for (const [name, factory] of BUILTIN_PLUGINS) await load(name, undefined, () => factory, configuredBuiltins.get(factory));
  for (const pluginConfig of selected) {
    if (builtinFor(pluginConfig) !== undefined) continue;
    const library = libraryOf(pluginConfig);
    if (library === undefined || library === '') {
      const error = new SakerError('SAKER_ERR_PLUGIN_CONFIG', `plugin ${pluginConfig.name}: no library given, and Saker has no built-in plugin of that name`);
      failures.push({ name: pluginConfig.name, error });
      options.log.error({ plugin: pluginConfig.name, code: error.code }, error.message);
      continue;
    }
    await load(pluginConfig.name, library, () => importFactory(library), pluginConfig);
  }
  for (const standIn of STAND_IN_PLUGINS) registry.addStandIn(standIn);

  return {
    registry,
    configured,
    failures,
    async destroy() {
      for (const plugin of started) {
        try {
          await plugin.destroy?.();
        } catch (error) {
          options.log.warn({ plugin: plugin.name, err: error }, `plugin ${plugin.name}: destroy failed`);
        }
      }
    },
  };
}
