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
 * Names rules may require that Saker serves without a plugin of that name, each with the version
 * of the Falco plugin whose fields Saker provides in its place; rules asking for a newer version
 * fail to load as they would in Falco.
 * - `container` 0.4.0: its `container.*` fields (up to `container.host_pid`, `host_network`,
 *   `host_ipc`) are part of Saker's syscall source; 0.4.0 is what Falco's own rules require.
 * - `k8saudit-aks` 0.6.0, `-eks` 0.12.0, `-gke` 0.9.0, `-ovh` 0.6.0: the managed-cluster
 *   variants that embed the k8saudit 0.18 extractor, i.e. the `ka.*` fields of the built-in
 *   k8saudit over the same `k8s_audit` source (Saker reads the webhook or files, not their
 *   cloud log services); the versions Falco's k8s audit rules pair with k8saudit 0.18.0.
 */
export const STAND_IN_PLUGINS: readonly { name: string; version: string }[] = [
  { name: 'container', version: '0.4.0' },
  { name: 'k8saudit-aks', version: '0.6.0' },
  { name: 'k8saudit-eks', version: '0.12.0' },
  { name: 'k8saudit-gke', version: '0.9.0' },
  { name: 'k8saudit-ovh', version: '0.6.0' },
];

/** Falco's library file names for the built-ins, so a falco.yaml `plugins:` section carries over. */
export const FALCO_LIBRARY_NAMES: ReadonlyMap<string, string> = new Map([
  ['libk8saudit.so', 'k8saudit'],
  ['libcloudtrail.so', 'cloudtrail'],
  ['libjson.so', 'json'],
]);
