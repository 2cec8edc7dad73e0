import { compareSemver, parseSemver } from './semver.js';

/**
 * A plugin rules can require (`required_plugin_versions`): its name and version. Saker's built-ins
 * and its stand-ins (names whose fields Saker provides without a plugin of that name, e.g.
 * `container`) carry the version of the Falco plugin whose fields they provide, and are checked
 * like any plugin.
 */
export interface AvailablePlugin {
  name: string;
  version: string;
}
/** One requirement and its alternatives, in the order the rules file lists them. */
export type PluginRequirement = readonly { name: string; version: string }[];

/**
 * What `loadRules` checks against when its caller does not say which plugins are loaded (`saker
 * rules validate` on its own, tests): Saker's built-in plugins and stand-ins with their versions.
 * The engine cannot import the plugin layer, so this repeats `builtinPlugins().available`; a unit
 * test keeps the two equal.
 */
export const DEFAULT_AVAILABLE_PLUGINS: readonly AvailablePlugin[] = [
  { name: 'k8saudit', version: '0.18.0' },
  { name: 'cloudtrail', version: '0.10.0' },
  { name: 'json', version: '0.7.0' },
  { name: 'container', version: '0.4.0' },
  { name: 'k8saudit-aks', version: '0.6.0' },
  { name: 'k8saudit-eks', version: '0.12.0' },
  { name: 'k8saudit-gke', version: '0.9.0' },
  { name: 'k8saudit-ovh', version: '0.6.0' },
];

/**
 * Falco's check of one requirement against the loaded plugins: the first alternative (in file order)
 * whose name is loaded decides — met when that plugin's version has the same major and is not older
 * (sinsp_version::compatible_with); later alternatives are not tried. Returns Falco's message when
 * unmet, undefined when met.
 */
export function unmetPluginRequirement(requirement: PluginRequirement, plugins: readonly AvailablePlugin[]): string | undefined {
  for (const req of requirement) {
    const plugin = plugins.find((p) => p.name === req.name);
    if (plugin === undefined) continue;
    const have = parseSemver(plugin.version);
    if (have === undefined) return `Plugin '${plugin.name}' has invalid version string '${plugin.version}'`;
    const want = parseSemver(req.version) ?? ([0, 0, 0] as const);
    if (have[0] !== want[0] || compareSemver(have, want) < 0) {
      return `Plugin '${plugin.name}' version '${plugin.version}' is not compatible with required plugin version '${req.version}'`;
    }
    return undefined;
  }
  return `Plugin requirement not satisfied, must load one of: ${requirement.map((r) => `${r.name} (>= ${r.version})`).join(', ')}`;
}
