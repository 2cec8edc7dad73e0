import { describe, expect, it } from 'vitest';
import { printCondition } from '../../../../detector/engine/condition/index.js';
import { fileJson, load, rule, summary } from './helpers.js';

function only(outcome: ReturnType<typeof load>, name = 'r') {
  const found = outcome.rules.find((r) => r.name === name);
  if (!found) throw new Error(`rule ${name} not loaded`);
  return found;
}

const BASE = rule('r', 'evt.type = execve', '  tags: [b, a]\n');

describe('rules', () => {
  it('reads every key with its default', () => {
    const out = load(BASE);
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    const r = only(out);
    expect(r).toMatchObject({ name: 'r', source: 'syscall', priority: 'Warning', description: 'd', enabled: true, output: 'out %proc.name' });
    expect(r.tags).toEqual(['a', 'b']);
  });

  it('accepts priorities in any case, and info for Informational', () => {
    expect(only(load(rule('r', 'evt.type = execve').replace('WARNING', 'info'))).priority).toBe('Informational');
    expect(only(load(rule('r', 'evt.type = execve').replace('WARNING', 'cRiTiCaL'))).priority).toBe('Critical');
    const bad = load(rule('r', 'evt.type = execve').replace('WARNING', 'loud'));
    expect(summary(bad).errors).toEqual(['LOAD_ERR_YAML_VALIDATE']);
    expect(fileJson(bad).errors[0]?.context.locations.at(-1)?.item_type).toBe('rule priority');
  });

  it('redefines a rule in place, keeping its position in load order', () => {
    const out = load(`${BASE}${rule('s', 'evt.type = openat')}`, rule('r', 'evt.type = connect'));
    expect(out.rules.map((r) => r.name)).toEqual(['r', 's']);
    expect(printCondition(only(out).expandedCondition)).toBe('evt.type = connect');
  });

  it('refuses a redefinition with another source', () => {
    const out = load(BASE, rule('r', 'evt.type = execve', '  source: k8s_audit\n'));
    expect(summary(out).errors).toEqual(['LOAD_ERR_VALIDATE']);
    expect(fileJson(out, 1).errors[0]?.message).toBe('Rule has been re-defined with a different source');
  });

  it('appends to condition, output, desc and tags with override', () => {
    const out = load(
      BASE,
      `- rule: r\n  condition: and proc.name = bash\n  output: more\n  desc: longer\n  tags: [c]\n  override:\n    condition: append\n    output: append\n    desc: append\n    tags: append\n`,
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    const r = only(out);
    expect(printCondition(r.expandedCondition)).toBe('(evt.type = execve and proc.name = bash)');
    expect(r.output).toBe('out %proc.name more');
    expect(r.description).toBe('d longer');
    expect(r.tags).toEqual(['a', 'b', 'c']);
  });

  it('replaces keys with override', () => {
    const out = load(
      BASE,
      `- rule: r\n  condition: evt.type = openat\n  priority: debug\n  enabled: false\n  tags: [z]\n  override:\n    condition: replace\n    priority: replace\n    enabled: replace\n    tags: replace\n`,
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    const r = only(out);
    expect(printCondition(r.expandedCondition)).toBe('evt.type = openat');
    expect(r).toMatchObject({ priority: 'Debug', enabled: false, tags: ['z'] });
  });

  it.each([
    ['a key that cannot be appended', `- rule: r\n  priority: debug\n  override:\n    priority: append\n`, "Key 'priority' cannot be appended to, use 'replace' instead"],
    ['a key that cannot be replaced', `- rule: r\n  source: k8s_audit\n  override:\n    source: replace\n`, "Key 'source' cannot be replaced"],
    ['an unknown operation', `- rule: r\n  desc: x\n  override:\n    desc: merge\n`, "Invalid override operation for key 'desc': 'merge'. Allowed values are: append replace "],
    ['an override naming a missing key', `- rule: r\n  desc: x\n  override:\n    desc: append\n    output: append\n`, "An append override for 'output' was specified but 'output' is not defined"],
    ['a key missing from override', `- rule: r\n  desc: x\n  output: y\n  override:\n    desc: append\n`, "Unexpected key 'output': no corresponding entry under 'override' is defined."],
    ['override with append: true', `- rule: r\n  desc: x\n  append: true\n  override:\n    desc: append\n`, "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead."],
  ])('rejects %s', (_label, second, message) => {
    const out = load(BASE, second);
    expect(summary(out).errors).toEqual(['LOAD_ERR_YAML_VALIDATE']);
    expect(fileJson(out, 1).errors[0]?.message).toBe(message);
  });

  it('refuses to append to or replace a rule that does not exist', () => {
    const append = load(`- rule: nope\n  condition: and x\n  override:\n    condition: append\n`);
    expect(fileJson(append).errors[0]?.message).toBe("Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists");
    const replace = load(`- rule: nope\n  condition: x\n  override:\n    condition: replace\n`);
    expect(fileJson(replace).errors[0]?.message).toBe("An 'override.<key>: replace' to a rule was requested but no rule by that name already exists");
  });

  it('appends a condition with the deprecated append key, with a deprecation warning', () => {
    const out = load(BASE, `- rule: r\n  condition: and proc.name = bash\n  append: true\n`);
    expect(printCondition(only(out).expandedCondition)).toBe('(evt.type = execve and proc.name = bash)');
    expect(summary(out)).toEqual({ errors: [], warnings: ['LOAD_DEPRECATED_ITEM'] });
  });

  it('toggles an existing rule with an enabled-only item (deprecated) and keeps disabled rules out of the engine', () => {
    const out = load(BASE, `- rule: r\n  enabled: false\n`);
    expect(summary(out)).toEqual({ errors: [], warnings: ['LOAD_DEPRECATED_ITEM'] });
    expect(only(out).enabled).toBe(false);
    const missing = load(`- rule: ghost\n  enabled: false\n`);
    expect(fileJson(missing).errors[0]?.message).toBe("Rule has 'enabled' key but no rule by that name already exists");
  });

  it('requires condition, output, desc and priority on a new rule', () => {
    const out = load(`- rule: r\n  condition: evt.type = execve\n  desc: d\n  priority: WARNING\n`);
    expect(summary(out).errors).toEqual(['LOAD_ERR_YAML_VALIDATE']);
    expect(fileJson(out).errors[0]?.message).toBe("Item has no mapping for key 'output'");
  });

  it('skips a rule whose source has no field table, with LOAD_UNKNOWN_SOURCE', () => {
    const out = load(rule('r', 'whatever.field = 1', '  source: okta\n'));
    expect(summary(out)).toEqual({ errors: [], warnings: ['LOAD_UNKNOWN_SOURCE'] });
    expect(fileJson(out).warnings[0]?.message).toBe('Unknown source okta, skipping');
    expect(out.rules).toEqual([]);
  });

  it('downgrades an unknown field to LOAD_UNKNOWN_FILTER with skip-if-unknown-filter, and skips the rule', () => {
    const strict = load(rule('r', 'evt.type = execve and nosuch.field = 1'));
    expect(summary(strict).errors).toEqual(['LOAD_ERR_COMPILE_CONDITION']);
    const lenient = load(rule('r', 'evt.type = execve and nosuch.field = 1', '  skip-if-unknown-filter: true\n'));
    expect(summary(lenient)).toEqual({ errors: [], warnings: ['LOAD_UNKNOWN_FILTER'] });
    expect(lenient.rules).toEqual([]);
  });

  it('rejects an output naming an unknown field with LOAD_ERR_COMPILE_OUTPUT at the output, or skips the rule with skip-if-unknown-filter', () => {
    const bad = rule('r', 'evt.type = execve').replace('out %proc.name', 'out %nosuch.field');
    const strict = load(bad);
    expect(summary(strict).errors).toEqual(['LOAD_ERR_COMPILE_OUTPUT']);
    expect(fileJson(strict).errors[0]?.context.locations.at(-1)).toMatchObject({ item_type: 'rule output', position: { line: 3, column: 10 } });
    const lenient = load(`${bad}  skip-if-unknown-filter: true\n`);
    expect(summary(lenient)).toEqual({ errors: [], warnings: ['LOAD_UNKNOWN_FILTER'] });
  });

  it('warns about fields deprecated since enter events were dropped, in the condition and in the output', () => {
    const out = load(rule('r', 'evt.type = execve and evt.dir = <').replace('out %proc.name', 'out %evt.dir'));
    const warnings = fileJson(out).warnings;
    expect(warnings.map((w) => w.code)).toEqual(['LOAD_DEPRECATED_ITEM', 'LOAD_DEPRECATED_ITEM']);
    expect(warnings[0]?.message).toBe("usage of deprecated field 'evt.dir' has been detected in the rule output");
    expect(warnings[1]?.message).toMatch(/^due to the drop of enter events, 'evt.dir = <' always evaluates to true/);
    expect(warnings[1]?.context.locations.at(-1)?.item_type).toBe('rule condition');
  });

  it('warns when a syscall rule has no event-type restriction, unless warn_evttypes is false', () => {
    expect(summary(load(rule('r', 'proc.name = bash'))).warnings).toEqual(['LOAD_NO_EVTTYPE']);
    expect(summary(load(rule('r', 'proc.name = bash', '  warn_evttypes: false\n'))).warnings).toEqual([]);
    expect(summary(load(rule('r', 'proc.name = bash', '  source: k8s_audit\n'))).warnings).toEqual([]);
  });
});
