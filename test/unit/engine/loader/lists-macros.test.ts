import { describe, expect, it } from 'vitest';
import { printCondition } from '../../../../detector/engine/condition/index.js';
import { fileJson, load, rule, summary } from './helpers.js';

function conditionOf(outcome: ReturnType<typeof load>, name: string): string {
  const found = outcome.rules.find((r) => r.name === name);
  if (!found) throw new Error(`rule ${name} not loaded`);
  return printCondition(found.expandedCondition);
}

describe('lists', () => {
  it('expands a list named inside a list literal, keeping the other items in place', () => {
    const out = load(`- list: shells\n  items: [bash, sh]\n${rule('r', 'evt.type = execve and proc.name in (zsh, shells, fish)')}`);
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (zsh, bash, sh, fish))');
  });

  it('expands a bare list name on the right of in, and an empty list to an empty list', () => {
    const out = load(`- list: shells\n  items: [bash]\n- list: none\n  items: []\n${rule('r', 'evt.type = execve and proc.name in shells and not proc.pname in (none)')}`);
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (bash) and not proc.pname in ())');
  });

  it('leaves a quoted word that happens to name a list alone', () => {
    const out = load(`- list: shells\n  items: [bash]\n${rule('r', 'evt.type = execve and proc.name in ("shells")')}`);
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (shells))');
    expect(summary(out).warnings).toEqual(['LOAD_UNUSED_LIST']);
  });

  it('expands earlier lists named in a list, and marks them used', () => {
    const out = load(
      `- list: a\n  items: [x, y]\n- list: b\n  items: [a, z]\n${rule('r', 'evt.type = execve and proc.name in (b)')}`,
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (x, y, z))');
  });

  it('keeps a later list named in a list as a plain item', () => {
    const out = load(`- list: b\n  items: [a, z]\n- list: a\n  items: [x]\n${rule('r', 'evt.type = execve and proc.name in (b)')}`);
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (a, z))');
    expect(summary(out).warnings).toEqual(['LOAD_UNUSED_LIST']);
  });

  it('lets a rule use a list defined after it (Falco has no order between conditions and lists)', () => {
    const out = load(`${rule('r', 'evt.type = execve and proc.name in (shells)')}- list: shells\n  items: [bash]\n`);
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (bash))');
  });

  it('appends with override and with the deprecated append key', () => {
    const out = load(
      `- list: shells\n  items: [bash]\n- list: shells\n  items: [sh]\n  override:\n    items: append\n- list: shells\n  items: [zsh]\n  append: true\n${rule('r', 'evt.type = execve and proc.name in (shells)')}`,
    );
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (bash, sh, zsh))');
    expect(summary(out)).toEqual({ errors: [], warnings: ['LOAD_DEPRECATED_ITEM'] });
  });

  it('redefines a list in place', () => {
    const out = load(`- list: shells\n  items: [bash]\n`, `- list: shells\n  items: [sh]\n${rule('r', 'evt.type = execve and proc.name in (shells)')}`);
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name in (sh))');
  });

  it('refuses to append to a list that does not exist', () => {
    const out = load(`- list: shells\n  items: [sh]\n  override:\n    items: append\n`);
    expect(summary(out)).toEqual({ errors: ['LOAD_ERR_VALIDATE'], warnings: [] });
    expect(fileJson(out).errors[0]?.message).toContain('no list by that name already exists');
  });

  it('warns about an unused list at its position', () => {
    const out = load(`- list: unused_list\n  items: [a]\n`);
    const warning = fileJson(out).warnings[0];
    expect(warning?.code).toBe('LOAD_UNUSED_LIST');
    expect(warning?.context.locations[1]).toEqual({
      item_name: 'unused_list',
      item_type: 'list',
      position: { column: 2, line: 0, name: 'rules1.yaml', offset: 2 },
    });
  });
});

describe('macros', () => {
  it('expands macros used by macros and rules, recursively', () => {
    const out = load(
      `- macro: spawned\n  condition: evt.type = execve\n- macro: shell\n  condition: spawned and proc.name = bash\n${rule('r', 'shell and not user.name = root')}`,
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out, 'r')).toBe('((evt.type = execve and proc.name = bash) and not user.name = root)');
  });

  it('lets rules use macros defined after them, but not macros use later macros', () => {
    const ok = load(`${rule('r', 'spawned')}- macro: spawned\n  condition: evt.type = execve\n`);
    expect(summary(ok).errors).toEqual([]);
    const bad = load(`- macro: outer\n  condition: inner\n- macro: inner\n  condition: evt.type = execve\n`);
    expect(summary(bad).errors).toEqual(['LOAD_ERR_VALIDATE']);
    expect(fileJson(bad).errors[0]?.message).toBe("Undefined macro 'inner' used in filter.");
  });

  it('reports an undefined macro in a rule at its line and column', () => {
    const out = load(`${rule('r', 'evt.type = execve and nosuchmacro')}`);
    const error = fileJson(out).errors[0];
    expect(error?.code).toBe('LOAD_ERR_VALIDATE');
    expect(error?.message).toBe("Undefined macro 'nosuchmacro' used in filter.");
    const last = error?.context.locations.at(-1);
    expect(last?.item_type).toBe('condition expression');
    // `  condition: evt.type = execve and nosuchmacro` is line 3 (1-based): the name starts at column 36.
    expect(last?.position).toMatchObject({ line: 3, column: 36 });
    expect(error?.context.snippet).toBe('evt.type = execve and nosuchmacro\n                      ^\n');
  });

  it('points a compile error inside a macro at the reference in the rule', () => {
    const out = load(`- macro: bad\n  condition: proc.pid contains abc\n${rule('r', 'evt.type = execve and bad')}`);
    const error = fileJson(out).errors[0];
    expect(error?.code).toBe('LOAD_ERR_COMPILE_CONDITION');
    // The rule's condition is on line 5: `  condition: evt.type = execve and bad`, `bad` at column 36.
    expect(error?.context.locations.at(-1)?.position).toMatchObject({ line: 5, column: 36 });
    expect(error?.context.locations[1]).toMatchObject({ item_type: 'rule', item_name: 'r' });
  });

  it('finds a reference loop made by redefining a macro', () => {
    const out = load(
      `- macro: a\n  condition: evt.type = execve\n- macro: b\n  condition: a\n- macro: a\n  condition: b\n${rule('r', 'a')}`,
    );
    expect(summary(out).errors).toEqual(['LOAD_ERR_VALIDATE']);
    expect(fileJson(out).errors[0]?.message).toMatch(/^reference loop in macro '(a|b)'$/);
  });

  it('appends to a macro with a space, as Falco concatenates conditions', () => {
    const out = load(
      `- macro: m\n  condition: evt.type = execve\n- macro: m\n  condition: and proc.name = bash\n  override:\n    condition: append\n${rule('r', 'm')}`,
    );
    expect(conditionOf(out, 'r')).toBe('(evt.type = execve and proc.name = bash)');
  });

  it('warns about unused macros, and counts a macro used only by an unused macro as used', () => {
    const out = load(`- macro: inner\n  condition: evt.type = execve\n- macro: outer\n  condition: inner\n`);
    const warnings = fileJson(out).warnings;
    expect(warnings.map((w) => [w.code, w.context.locations[1]?.item_name])).toEqual([['LOAD_UNUSED_MACRO', 'outer']]);
  });

  it('warns about invalid macro and list names', () => {
    const out = load(`- macro: 1bad\n  condition: evt.type = execve\n- list: "bad list"\n  items: [a]\n`);
    expect(summary(out).warnings).toEqual(['LOAD_INVALID_MACRO_NAME', 'LOAD_INVALID_LIST_NAME', 'LOAD_UNUSED_MACRO', 'LOAD_UNUSED_LIST']);
  });
});
