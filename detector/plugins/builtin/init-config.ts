import { SakerError } from '../../../common/errors.js';

/**
 * A built-in plugin's `init_config` as an object. falco.yaml allows a YAML map or a string (Falco
 * passes the string on; the official plugins read it as JSON): both work, empty means defaults.
 */
export function initConfigObject(plugin: string, config: unknown): Record<string, unknown> {
  if (config === undefined || config === null || config === '') return {};
  let value: unknown = config;
  if (typeof config === 'string') {
    try {
      value = JSON.parse(config) as unknown;
    } catch (cause) {
      throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', `plugin ${plugin}: init_config is not valid JSON`, { cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', `plugin ${plugin}: init_config must be a map (or its JSON text)`);
  }
  return value as Record<string, unknown>;
}

/** A positive integer option, or the default; anything else is a config error naming the key. */
export function positiveInteger(plugin: string, config: Record<string, unknown>, key: string, fallback: number): number {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', `plugin ${plugin}: init_config.${key} must be a positive integer`);
}

/** An optional string option; anything else is a config error naming the key. */
export function optionalString(plugin: string, config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  throw new SakerError('SAKER_ERR_PLUGIN_CONFIG', `plugin ${plugin}: init_config.${key} must be a string`);
}
