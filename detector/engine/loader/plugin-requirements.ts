import { compareSemver, parseSemver } from './semver.js';

/**
 * A plugin rules can require (`required_plugin_versions`): its name and version. A stand-in has no
 * version: Saker provides what the named plugin would (e.g. `container` fields in the syscall
 * source), so any version asked for is met.
 */
export interface AvailablePlugin {
  name: string;
  version?: string;
}

/** One requirement and its alternatives, in the order the rules file lists them. */
export type PluginRequirement = readonly { name: string; version: string }[];

/**
 * Every name Saker met before plugins were loadable: what `loadRules` checks against when its caller
 * does not say which plugins are loaded (`saker rules validate` on its own, tests).
 */
export const DEFAULT_AVAILABLE_PLUGINS: readonly AvailablePlugin[] = [
  'container',
  'json',
  'cloudtrail',
  'k8saudit',
  'k8saudit-aks',
  'k8saudit-eks',
  'k8saudit-gke',
  'k8saudit-ovh',
].map((name) => ({ name }));

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
    if (plugin.version === undefined) return undefined;
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
