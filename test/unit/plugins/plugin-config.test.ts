import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { selectPlugins, loadPlugins } from '../../../detector/plugins/load.js';
import { PluginRegistry } from '../../../detector/plugins/registry.js';
import { validatePlugin } from '../../../detector/plugins/validate.js';
import type { SakerPlugin } from '../../../detector/plugins/api.js';
import { errorCodeOf } from '../../support/error-code.js';

const a = { name: 'a', library: './a.js' };
const b = { name: 'b', library: './b.js' };

describe("falco.yaml's plugins / load_plugins", () => {
  it('loads every entry without load_plugins, only the named ones (in its order) with it, none when it is empty', () => {
    expect(selectPlugins({ plugins: [a, b] }).map((p) => p.name)).toEqual(['a', 'b']);
    expect(selectPlugins({ plugins: [a, b], load_plugins: ['b', 'a'] }).map((p) => p.name)).toEqual(['b', 'a']);
    expect(selectPlugins({ plugins: [a, b], load_plugins: [] })).toEqual([]);
  });

  it('refuses a load_plugins name that has no plugins entry', () => {
    expect(errorCodeOf(() => selectPlugins({ plugins: [a], load_plugins: ['c'] }))).toBe('SAKER_ERR_PLUGIN_CONFIG');
  });

  it('maps Falco library names of the built-ins to the built-ins and refuses other native libraries', async () => {
    const loaded = await loadPlugins(
      { plugins: [{ name: 'json', library_path: '/usr/share/falco/plugins/libjson.so', init_config: '' }, { name: 'okta', library_path: 'libokta.so' }] },
      { log: pino({ level: 'silent' }), datadir: '/tmp/unused' },
    );
    expect(loaded.configured.map((c) => c.entry.plugin.name)).toEqual(['json']);
    expect(loaded.failures.map((f) => [f.name, f.error.code])).toEqual([['okta', 'SAKER_ERR_PLUGIN_LOAD']]);
    expect(loaded.failures[0]?.error.message).toContain('native Falco plugin');
  });
});

const source = (name: string): SakerPlugin => ({
  name,
  version: '1.0.0',
  description: '',
  source: { name: `${name}_src`, open: () => ({ [Symbol.asyncIterator]: async function* () {} }) },
  fields: [{ name: `${name}.f`, type: 'string', description: '', extract: () => 'x' }],
});

describe('plugin validation and registry', () => {
  it('lists every problem of a malformed plugin, naming it', () => {
    const error = (() => {
      try {
        validatePlugin({ name: 'p', version: '1.0', description: 1, fields: [{ name: 'nodot', type: 'text', extract: 1 }] }, 'mod.js');
      } catch (e) {
        return e as Error & { code: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('SAKER_ERR_PLUGIN_INVALID');
    expect(error?.message).toMatch(/^plugin p is not a valid plugin: /);
    for (const problem of ['version must be a semantic version', 'description must be a string', 'field nodot: name must be dotted', 'field nodot: type must be one of', 'field nodot: extract must be a function']) {
      expect(error?.message).toContain(problem);
    }
    expect(errorCodeOf(() => validatePlugin(42, 'mod.js'))).toBe('SAKER_ERR_PLUGIN_INVALID');
    expect(errorCodeOf(() => validatePlugin({ name: 'x', version: '1.0.0', description: '', source: { name: 'syscall', open() {} } }, 'm'))).toBe('SAKER_ERR_PLUGIN_INVALID');
  });

  it('refuses a second plugin with the same name or source, or a field another plugin defines for the same source', () => {
    const registry = new PluginRegistry();
    registry.register(source('one'), { builtin: false });
    expect(errorCodeOf(() => registry.register(source('one'), { builtin: false }))).toBe('SAKER_ERR_PLUGIN_CONFLICT');
    expect(errorCodeOf(() => registry.register({ ...source('two'), source: { ...source('x').source!, name: 'one_src' } }, { builtin: false }))).toBe('SAKER_ERR_PLUGIN_CONFLICT');
    const clash: SakerPlugin = { name: 'clash', version: '1.0.0', description: '', fields: [{ name: 'one.f', type: 'string', description: '', extract: () => 'y' }] };
    expect(errorCodeOf(() => registry.register(clash, { builtin: false }))).toBe('SAKER_ERR_PLUGIN_CONFLICT');
    // The refused plugins left the registry as it was.
    expect(registry.plugins.map((p) => p.plugin.name)).toEqual(['one']);
    expect([...(registry.fieldTables.get('one_src')?.fields.keys() ?? [])]).toContain('one.f');
  });

  it('gives an extractor plugin without extractEventSources every plugin source, and one with them only those', () => {
    const registry = new PluginRegistry();
    registry.register(source('one'), { builtin: false });
    registry.register(source('two'), { builtin: false });
    registry.register({ name: 'all', version: '0.1.0', description: '', fields: [{ name: 'all.x', type: 'bool', description: '', extract: () => true }] }, { builtin: false });
    registry.register(
      { name: 'some', version: '0.1.0', description: '', extractEventSources: ['two_src'], fields: [{ name: 'some.x', type: 'bool', description: '', extract: () => true }] },
      { builtin: false },
    );
    const names = (src: string) => [...(registry.fieldTables.get(src)?.fields.keys() ?? [])].filter((n) => !n.startsWith('evt.'));
    expect(names('one_src')).toEqual(['one.f', 'all.x']);
    expect(names('two_src')).toEqual(['two.f', 'all.x', 'some.x']);
  });
});
