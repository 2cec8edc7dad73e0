import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../../detector/engine/loader/index.js';
import { TABLES, fileJson, load, rule, summary } from './helpers.js';

describe('bad input never crashes or hangs', () => {
  it.each([
    ['malformed YAML', `- rule: "unterminated\n`, 'LOAD_ERR_YAML_PARSE'],
    ['a tab-indented mapping', `- rule: r\n\tdesc: d\n`, 'LOAD_ERR_YAML_PARSE'],
    ['a document that is a mapping', `rule: r\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['a document that is a scalar', `just text\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['an item that is a list', `- [a, b]\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['list items that are not a sequence', `- list: l\n  items: a\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['list items that are mappings', `- list: l\n  items: [{a: 1}]\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['a condition that is a mapping', `- macro: m\n  condition: {a: 1}\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['an empty condition', `- macro: m\n  condition: ""\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['enabled that is not a boolean', `${rule('r', 'evt.type = execve')}  enabled: maybe\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['tags that are not a sequence', `${rule('r', 'evt.type = execve')}  tags: web\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['exceptions that are a mapping', `${rule('r', 'evt.type = execve')}  exceptions: {name: x}\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['override that is a list', `${rule('r', 'evt.type = execve')}- rule: r\n  desc: x\n  override: [desc]\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['an alias bomb in list items', `- list: a\n  items: &a [x, x, x, x, x, x, x, x]\n- list: b\n  items: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n- list: c\n  items: [*b, *b, *b, *b, *b, *b, *b, *b]\n`, 'LOAD_ERR_YAML_VALIDATE'],
    ['a type mismatch in a condition', rule('r', 'evt.type = execve and proc.pid contains abc'), 'LOAD_ERR_COMPILE_CONDITION'],
  ])('reports %s', (_label, content, code) => {
    const out = load(content);
    expect(summary(out).errors).toEqual([code]);
    expect(out.rules).toEqual([]);
  });

  it('loads an empty file and a file of empty documents as Ok', () => {
    expect(load('').result.successful).toBe(true);
    expect(load('---\n---\n# only a comment\n').result.successful).toBe(true);
  });

  it('rejects a condition nested 10,000 deep as a condition error', () => {
    const deep = `${'('.repeat(10_000)}evt.type = execve${')'.repeat(10_000)}`;
    const out = load(rule('r', `"${deep}"`));
    expect(summary(out).errors).toEqual(['LOAD_ERR_COMPILE_CONDITION']);
    // A chain of `not` is not nesting that costs a stack: it loads (an even count negates nothing).
    const notChain = load(rule('r', `"${'not '.repeat(10_000)}evt.type = execve"`));
    expect(summary(notChain).errors).toEqual([]);
    expect(notChain.rules[0]?.condition.matches({ 'evt.type': 'execve' })).toBe(true);
  });

  it('rejects macros that expand exponentially instead of exhausting memory', () => {
    let content = `- macro: m0\n  condition: evt.type = execve\n`;
    for (let i = 1; i <= 40; i++) content += `- macro: m${i}\n  condition: (m${i - 1} and m${i - 1})\n`;
    const out = load(content + rule('r', 'm40'));
    expect(summary(out).errors).toEqual(['LOAD_ERR_VALIDATE']);
    expect(fileJson(out).errors[0]?.message).toBe('Condition is too large after expanding its macros');
  });

  it('handles a chain of 3,000 macros each using the previous one', () => {
    let content = `- macro: m0\n  condition: evt.type = execve\n`;
    for (let i = 1; i < 3000; i++) content += `- macro: m${i}\n  condition: m${i - 1}\n`;
    const out = load(content + rule('r', 'm2999'));
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(out.rules).toHaveLength(1);
  });

  it('handles 3,000 macros each wrapping the previous one in a new level of nesting', () => {
    let content = `- macro: m0\n  condition: evt.type = execve\n`;
    for (let i = 1; i < 3000; i++) content += `- macro: m${i}\n  condition: (m${i - 1} and not proc.name = p${i})\n`;
    const out = load(content + rule('r', 'm2999'));
    // 6,000 levels after expansion: either it compiles or it is refused as a condition error, never a crash.
    const { errors } = summary(out);
    if (errors.length === 0) expect(out.rules).toHaveLength(1);
    else expect(errors).toEqual(['LOAD_ERR_COMPILE_CONDITION']);
  });

  it('refuses a 50 MB rules file with LOAD_ERR_FILE_READ before parsing it', () => {
    const item = rule('r', 'evt.type = execve');
    const content = item.repeat(Math.ceil((50 * 1024 * 1024) / item.length));
    expect(content.length).toBeGreaterThan(50 * 1024 * 1024);
    const out = loadRules([{ name: 'huge.yaml', content }], { fieldTables: TABLES });
    expect(fileJson(out).errors[0]).toMatchObject({ code: 'LOAD_ERR_FILE_READ' });
  });

  it('compiles a regex built to make a backtracking engine explode, and evaluates it on a long input', () => {
    const out = load(rule('r', `evt.type = execve and proc.name regex "(a+)+$" and proc.cmdline regex "(x|x)*y"`));
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    const compiled = out.rules[0]?.condition;
    const event = { 'evt.type': 'execve', 'proc.name': `${'a'.repeat(100_000)}!`, 'proc.cmdline': 'x'.repeat(100_000) };
    expect(compiled?.matches(event)).toBe(false);
  });
});
