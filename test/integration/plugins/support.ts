import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

/** Absolute path of a test plugin module in test/support/plugins. */
export const testPlugin = (file: string): string => resolve(import.meta.dirname, '../../support/plugins', file);

/** A temporary directory with a rules file and a Saker config file built from `config`. */
export function writeSetup(rules: string, config: (dir: string, rulesFile: string) => Record<string, unknown>): { dir: string; configFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'saker-plugins-'));
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, rules);
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, stringify(config(dir, rulesFile)));
  return { dir, configFile };
}

/** Rules on the test plugins' sources. */
export const PLUGIN_RULES = `
- required_plugin_versions:
  - name: dummy
    version: 0.1.0

- rule: Even counter
  desc: an even counter value
  condition: dummy.parity = even and dummy.divisors intersects (2)
  output: even counter %dummy.value (label=%dummy.label[n] info=%evt.plugininfo num=%evt.num source=%evt.source)
  priority: WARNING
  source: dummy
  tags: [test]

- rule: Faulty event
  desc: the faulty plugin's sound field still works when its others misbehave
  condition: faulty.value > 0 and not faulty.boom exists
  output: faulty %faulty.value (garbage=%faulty.garbage info=%evt.plugininfo)
  priority: NOTICE
  source: faulty
`;
