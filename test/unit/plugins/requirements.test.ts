import { describe, expect, it } from 'vitest';
import { DEFAULT_AVAILABLE_PLUGINS, loadRules, unmetPluginRequirement } from '../../../detector/engine/loader/index.js';
import { FIELD_TABLES } from '../../../detector/fields/index.js';
import { builtinPlugins } from '../../../detector/plugins/builtin-registry.js';

/* Falco's check of rules' required_plugin_versions against the loaded plugins (falco_engine::check_plugin_requirements). */

const loaded = [
  { name: 'k8saudit', version: '0.18.2' },
  { name: 'json', version: '0.7.0' },
  { name: 'container', version: '0.4.0' },
];

describe('required_plugin_versions', () => {
  it('is met by a loaded plugin of the same major version, not older than required', () => {
    expect(unmetPluginRequirement([{ name: 'k8saudit', version: '0.18.0' }], loaded)).toBeUndefined();
    expect(unmetPluginRequirement([{ name: 'k8saudit', version: '0.18.2' }], loaded)).toBeUndefined();
  });

  it("is not met by an older version or another major, with Falco's message", () => {
    expect(unmetPluginRequirement([{ name: 'k8saudit', version: '0.19.0' }], loaded)).toBe(
      "Plugin 'k8saudit' version '0.18.2' is not compatible with required plugin version '0.19.0'",
    );
    expect(unmetPluginRequirement([{ name: 'json', version: '1.0.0' }], [{ name: 'json', version: '2.0.0' }])).toBe(
      "Plugin 'json' version '2.0.0' is not compatible with required plugin version '1.0.0'",
    );
  });

  it('lets the first loaded alternative decide, in file order, and lists them all when none is loaded', () => {
    // k8saudit-eks is not loaded; k8saudit is, and it is too old: later alternatives are not tried.
    const requirement = [
      { name: 'k8saudit-eks', version: '0.1.0' },
      { name: 'k8saudit', version: '0.20.0' },
      { name: 'json', version: '0.1.0' },
    ];
    expect(unmetPluginRequirement(requirement, loaded)).toContain("Plugin 'k8saudit' version '0.18.2' is not compatible");
    expect(unmetPluginRequirement([{ name: 'okta', version: '0.1.0' }, { name: 'gcpaudit', version: '0.2.0' }], loaded)).toBe(
      'Plugin requirement not satisfied, must load one of: okta (>= 0.1.0), gcpaudit (>= 0.2.0)',
    );
  });

  it('checks a stand-in like any plugin, and reports a loaded plugin with an invalid version', () => {
    expect(unmetPluginRequirement([{ name: 'container', version: '0.4.0' }], loaded)).toBeUndefined();
    expect(unmetPluginRequirement([{ name: 'container', version: '0.3.9' }], loaded)).toBeUndefined();
    expect(unmetPluginRequirement([{ name: 'container', version: '9.9.9' }], loaded)).toBe(
      "Plugin 'container' version '0.4.0' is not compatible with required plugin version '9.9.9'",
    );
    expect(unmetPluginRequirement([{ name: 'x', version: '1.0.0' }], [{ name: 'x', version: 'one' }])).toBe("Plugin 'x' has invalid version string 'one'");
  });

  it('gives the stand-ins the versions of the Falco plugins they stand for, the same without a plugin list', () => {
    const byName = (plugins: readonly { name: string; version: string }[]) => Object.fromEntries(plugins.map((p) => [p.name, p.version]));
    expect(byName(builtinPlugins().available)).toEqual({
      k8saudit: '0.18.0',
      cloudtrail: '0.10.0',
      json: '0.7.0',
      container: '0.4.0',
      'k8saudit-aks': '0.6.0',
      'k8saudit-eks': '0.12.0',
      'k8saudit-gke': '0.9.0',
      'k8saudit-ovh': '0.6.0',
    });
    expect(byName(DEFAULT_AVAILABLE_PLUGINS)).toEqual(byName(builtinPlugins().available));
  });

  it('fails a rules file asking a stand-in or its alternatives for more than Saker provides, with Falco\'s wording', () => {
    const plugins = builtinPlugins().available;
    const errorOf = (content: string) => loadRules([{ name: 'req.yaml', content }], { fieldTables: FIELD_TABLES, plugins }).result.files[0]?.toJSON().errors[0];
    expect(errorOf(`- required_plugin_versions:\n  - name: container\n    version: 0.5.0\n`)).toMatchObject({
      code: 'LOAD_ERR_VALIDATE',
      message: "Plugin 'container' version '0.4.0' is not compatible with required plugin version '0.5.0'",
    });
    // The first alternative Saker has decides: here the EKS stand-in, too old for what is asked.
    expect(errorOf(`- required_plugin_versions:\n  - name: k8saudit-eks\n    version: 0.13.0\n    alternatives:\n      - name: k8saudit\n        version: 0.18.0\n`)).toMatchObject({
      code: 'LOAD_ERR_VALIDATE',
      message: "Plugin 'k8saudit-eks' version '0.12.0' is not compatible with required plugin version '0.13.0'",
    });
    expect(errorOf(`- required_plugin_versions:\n  - name: k8saudit-gke\n    version: 0.9.0\n  - name: container\n    version: 0.1.0\n`)).toBeUndefined();
    // Without a plugin list the loader checks against the same versions.
    const defaults = loadRules([{ name: 'req.yaml', content: `- required_plugin_versions:\n  - name: k8saudit-ovh\n    version: 1.0.0\n` }], { fieldTables: FIELD_TABLES });
    expect(defaults.result.files[0]?.toJSON().errors[0]?.message).toBe("Plugin 'k8saudit-ovh' version '0.6.0' is not compatible with required plugin version '1.0.0'");
  });

  it('loads the official k8s audit and CloudTrail requirements against the built-in plugins, and fails a rules file asking for more', () => {
    const plugins = builtinPlugins().available;
    const official = `- required_plugin_versions:\n  - name: k8saudit\n    version: 0.18.0\n    alternatives:\n      - name: k8saudit-eks\n        version: 0.12.0\n  - name: json\n    version: 0.7.0\n  - name: cloudtrail\n    version: 0.10.0\n  - name: container\n    version: 0.4.0\n`;
    expect(loadRules([{ name: 'ok.yaml', content: official }], { fieldTables: FIELD_TABLES, plugins }).result.successful).toBe(true);
    const tooNew = loadRules([{ name: 'new.yaml', content: `- required_plugin_versions:\n  - name: json\n    version: 0.8.0\n` }], { fieldTables: FIELD_TABLES, plugins });
    const [error] = tooNew.result.files[0]?.toJSON().errors ?? [];
    expect(error).toMatchObject({ code: 'LOAD_ERR_VALIDATE', message: "Plugin 'json' version '0.7.0' is not compatible with required plugin version '0.8.0'" });
  });
});
