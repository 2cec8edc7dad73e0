import type { PluginFactory } from '../api.js';
import { cloudtrailPlugin } from './cloudtrail.js';
import { jsonPlugin } from './json.js';
import { k8sauditPlugin } from './k8saudit.js';

/**
 * The plugins shipped with Saker, by name, in registration order (a source plugin before the
 * extractors that add to it, so tables list a source's own fields first). They are written against
 * the public plugin API, like any user plugin.
 */
export const BUILTIN_PLUGINS: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  ['k8saudit', k8sauditPlugin as PluginFactory],
  ['cloudtrail', cloudtrailPlugin as PluginFactory],
  ['json', jsonPlugin as PluginFactory],
]);

/**
 * Names rules may require that Saker serves without a plugin of that name: `container` (its fields
 * are part of the syscall source) and the managed-cluster variants of k8saudit (same `ka.*` fields
 * over the same `k8s_audit` source). Any version asked for is met.
 */
export const STAND_IN_PLUGINS: readonly string[] = ['container', 'k8saudit-aks', 'k8saudit-eks', 'k8saudit-gke', 'k8saudit-ovh'];

/** Falco's library file names for the built-ins, so a falco.yaml `plugins:` section carries over. */
export const FALCO_LIBRARY_NAMES: ReadonlyMap<string, string> = new Map([
  ['libk8saudit.so', 'k8saudit'],
  ['libcloudtrail.so', 'cloudtrail'],
  ['libjson.so', 'json'],
]);
