import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConditionSyntaxError, parseCondition, printCondition } from '../../../../detector/engine/condition/index.js';
import type { Expr } from '../../../../detector/engine/ast.js';

const canonical = (text: string): string => printCondition(parseCondition(text));

function syntaxError(text: string): ConditionSyntaxError {
  try {
    parseCondition(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    expect((error as ConditionSyntaxError).code).toBe('SAKER_ERR_CONDITION_SYNTAX');
    return error as ConditionSyntaxError;
  }
  throw new Error(`expected '${text}' to be rejected`);
}

describe('parseCondition: canonical form (libsinsp printing)', () => {
  it.each([
    // boolean structure and precedence: not > and > or
    ['a', 'a'],
    ['a and b', '(a and b)'],
    ['a or b', '(a or b)'],
    ['a and b and c', '(a and b and c)'],
    ['a or b or c', '(a or b or c)'],
    ['a and b or c', '((a and b) or c)'],
    ['a or b and c', '(a or (b and c))'],
    ['a or b and c or d', '(a or (b and c) or d)'],
    ['not a', 'not a'],
    ['not a and b', '(not a and b)'],
    ['not (a and b)', 'not (a and b)'],
    ['not(a and b)', 'not (a and b)'],
    ['not not a', 'a'],
    ['not not not a', 'not a'],
    ['a and not b', '(a and not b)'],
    ['a or not b and c', '(a or (not b and c))'],
    ['(a)', 'a'],
    ['((a))', 'a'],
    ['(a and b) and c', '((a and b) and c)'],
    ['a and (b and c)', '(a and (b and c))'],
    ['(a or b) and (c or d)', '((a or b) and (c or d))'],
    ['a and(b or c)', '(a and (b or c))'],
    ['a or(b)', '(a or b)'],
    ['  a   and\n  b  ', '(a and b)'],
    ['a\tand\tb', '(a and b)'],
    ['macro_1 and my_macro_2', '(macro_1 and my_macro_2)'],
    ['notmacro', 'notmacro'],
    ['andy or orlando', '(andy or orlando)'],
    // comparison operators
    ['proc.name = bash', 'proc.name = bash'],
    ['proc.name == bash', 'proc.name == bash'],
    ['proc.name=bash', 'proc.name = bash'],
    ['proc.name != bash', 'proc.name != bash'],
    ['proc.name!=bash', 'proc.name != bash'],
    ['proc.pid < 10', 'proc.pid < 10'],
    ['proc.pid <= 10', 'proc.pid <= 10'],
    ['proc.pid > 10', 'proc.pid > 10'],
    ['proc.pid >= 10', 'proc.pid >= 10'],
    ['proc.pid>=10', 'proc.pid >= 10'],
    ['proc.pid > -5', 'proc.pid > -5'],
    ['proc.pid > +5', 'proc.pid > +5'],
    ['proc.pid > 0x1F', 'proc.pid > 0x1F'],
    ['proc.pid > 1.5', 'proc.pid > 1.5'],
    ['proc.pid > 1e+3', 'proc.pid > 1e+3'],
    ['fd.name contains /etc', 'fd.name contains /etc'],
    ['fd.name icontains ETC', 'fd.name icontains ETC'],
    ['evt.buffer bcontains 2f6574', 'evt.buffer bcontains 2f6574'],
    ['fd.name startswith /etc/', 'fd.name startswith /etc/'],
    ['evt.buffer bstartswith 7f454c46', 'evt.buffer bstartswith 7f454c46'],
    ['fd.name endswith .conf', 'fd.name endswith .conf'],
    ['fd.name glob /etc/*.conf', 'fd.name glob /etc/*.conf'],
    ['fd.name iglob /ETC/*', 'fd.name iglob /ETC/*'],
    ['proc.cmdline regex "^sh -c .*"', 'proc.cmdline regex "^sh -c .*"'],
    ['proc.name exists', 'proc.name exists'],
    ['proc.name exists and a', '(proc.name exists and a)'],
    // lists
    ['proc.name in (bash, sh, zsh)', 'proc.name in (bash, sh, zsh)'],
    ['proc.name in(bash,sh)', 'proc.name in (bash, sh)'],
    ['proc.name in ( bash , sh )', 'proc.name in (bash, sh)'],
    ['proc.name in ()', 'proc.name in ()'],
    ['proc.name in ( )', 'proc.name in ()'],
    ['proc.name in ("bash", \'sh\')', 'proc.name in (bash, sh)'],
    ['proc.name in ("my shell", sh)', 'proc.name in ("my shell", sh)'],
    ['proc.name in (shell_binaries)', 'proc.name in (shell_binaries)'],
    ['proc.name in shell_binaries', 'proc.name in shell_binaries'],
    ['fd.name pmatch (/etc, /usr/bin)', 'fd.name pmatch (/etc, /usr/bin)'],
    ['ka.req.pod.containers.image intersects (nginx, redis)', 'ka.req.pod.containers.image intersects (nginx, redis)'],
    ['fd.sip in ("10.0.0.0/8", 192.168.0.1)', 'fd.sip in (10.0.0.0/8, 192.168.0.1)'],
    ['proc.name in (a\n, b)', 'proc.name in (a, b)'],
    // field arguments
    ['proc.aname[2] = sshd', 'proc.aname[2] = sshd'],
    ['proc.aname[0] != bash', 'proc.aname[0] != bash'],
    ['proc.env[HOME] = /root', 'proc.env[HOME] = /root'],
    ['evt.arg[0] = 3', 'evt.arg[0] = 3'],
    ['evt.arg.flags contains O_CREAT', 'evt.arg.flags contains O_CREAT'],
    ['jevt.value[/user/name] = admin', 'jevt.value[/user/name] = admin'],
    ['json.value["/a b"] = x', 'json.value["a b"] = x'.replace('"a b"', '"/a b"')],
    ['ka.uri.param[pretty] exists', 'ka.uri.param[pretty] exists'],
    ["proc.env['MY VAR'] = x", 'proc.env["MY VAR"] = x'],
    // transformers and val()
    ['tolower(proc.name) = bash', 'tolower(proc.name) = bash'],
    ['toupper( proc.name ) = BASH', 'toupper(proc.name) = BASH'],
    ['b64(evt.arg.data) contains abc', 'b64(evt.arg.data) contains abc'],
    ['basename(proc.exepath) = bash', 'basename(proc.exepath) = bash'],
    ['len(proc.args) > 100', 'len(proc.args) > 100'],
    ['tolower(basename(proc.exe)) = sh', 'tolower(basename(proc.exe)) = sh'],
    ['proc.name = val(proc.pname)', 'proc.name = val(proc.pname)'],
    ['proc.name = val( proc.pname )', 'proc.name = val(proc.pname)'],
    ['proc.pid > val(proc.ppid)', 'proc.pid > val(proc.ppid)'],
    ['proc.name = tolower(proc.pname)', 'proc.name = tolower(proc.pname)'],
    ['proc.aname[1] = val(proc.aname[2])', 'proc.aname[1] = val(proc.aname[2])'],
    ['proc.name in val(proc.pname)', 'proc.name in val(proc.pname)'],
    ['tolower(proc.name) exists', 'tolower(proc.name) exists'],
    ['join(":", (proc.name, proc.pname)) = "a:b"', 'join(:, (proc.name, proc.pname)) = a:b'],
    ['concat(proc.name, "-", proc.pname) = x', 'concat(proc.name, -, proc.pname) = x'],
    // comparison modifiers
    ['proc.name startswith anyof (ba, zs)', 'proc.name startswith anyof (ba, zs)'],
    ['proc.name contains allof(a,b)', 'proc.name contains allof (a, b)'],
    ['proc.name = oneof ("x y", z)', 'proc.name = oneof ("x y", z)'],
    ['proc.pid > anyof (1, 0x10)', 'proc.pid > anyof (1, 0x10)'],
    ['proc.name = anyofthem', 'proc.name = anyofthem'],
    // values and escaping
    ['proc.name = "a b"', 'proc.name = "a b"'],
    ["proc.name = 'a b'", 'proc.name = "a b"'],
    ['proc.name = "a\\"b"', 'proc.name = "a\\"b"'],
    ["proc.name = 'it\\'s'", 'proc.name = "it\'s"'],
    ['proc.name = "tab\\there"', 'proc.name = "tab\\there"'],
    ['proc.name = "new\\nline"', 'proc.name = "new\\nline"'],
    ['proc.name = "back\\\\slash"', 'proc.name = "back\\\\slash"'],
    ['proc.name = "a\\/b"', 'proc.name = a/b'],
    ['proc.name = "(x)"', 'proc.name = (x)'],
    ['proc.name = ""', 'proc.name = ""'],
    ['proc.name = a!b<c>d', 'proc.name = a!b<c>d'],
    ['proc.cmdline contains "-c "', 'proc.cmdline contains "-c "'],
    ['proc.args endswith "\\\\"', 'proc.args endswith "\\\\"'],
    ['(proc.args endswith \\)', 'proc.args endswith "\\\\"'],
    ['proc.args contains "\\ "', 'proc.args contains "\\\\"'],
    ['fd.name = /tmp/x.txt and proc.name = a', '(fd.name = /tmp/x.txt and proc.name = a)'],
    ['proc.name=bash and(fd.name=x)', '(proc.name = bash and fd.name = x)'],
  ])('%j prints as %j', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it('prints its own output back to the same form', () => {
    const text = '(not a or (b and proc.name in (x, "y z")) and tolower(fd.name) startswith /etc)';
    expect(canonical(canonical(text))).toBe(canonical(text));
  });
});

describe('parseCondition: errors with line and column', () => {
  it.each([
    ['', 1, 1, /empty/],
    ['a and', 1, 6, /after 'and'|expected a '\(' token/],
    ['a andb', 1, 6, /expected blank or '\(' after 'and'/],
    ['a orb', 1, 5, /expected blank or '\(' after 'or'/],
    ['(a and b', 1, 9, /expected a '\)' token/],
    ['a and b)', 1, 8, /unexpected token after/],
    ['proc.name', 1, 10, /expected a valid check operator/],
    ['proc.name = ', 1, 13, /expected a string value/],
    ['proc.name <', 1, 12, /expected a number value/],
    ['proc.pid > abc', 1, 12, /expected a number value/],
    ['proc.name in', 1, 13, /expected a list/],
    ['proc.name in (a, )', 1, 18, /expected a string value/],
    ['proc.name in (a b)', 1, 17, /expected a '\)' token/],
    ['proc.name in (a', 1, 16, /expected a '\)' token/],
    ['proc.aname[ = 2', 1, 12, /field argument/],
    ['proc.aname[2 = 2', 1, 13, /expected a '\]' token/],
    ['proc.name startswith\n/etc', 1, 11, /expected a valid check operator/],
    ['proc.name contains"x"', 1, 11, /expected a valid check operator/],
    ['tolower(proc.name = x', 1, 19, /closing the transformer/],
    ['tolower() = x', 1, 9, /expected field transformer argument/],
    ['proc.name = val(x)', 1, 17, /expected a field within 'val'/],
    ['proc.name = "unterminated', 1, 13, /expected a string value/],
    ['proc.name = "bad \\q escape"', 1, 13, /unsupported string escape sequence: \\q/],
    ['proc.name = "bad \\\' escape"', 1, 13, /invalid \\' escape in "-quoted string/],
    ["proc.name = 'bad \\\" escape'", 1, 13, /invalid \\" escape in '-quoted string/],
    ['a and\n  proc.name ~ x', 2, 13, /expected a valid check operator/],
    ['= x', 1, 1, /expected a '\(' token, a field check, or an identifier/],
    ['a b', 1, 3, /unexpected token after 'a'/],
    ['1 = 1', 1, 1, /expected a '\(' token, a field check, or an identifier/],
    ['proc.name startswith anyof x', 1, 28, /expected a list after 'anyof'/],
  ])('rejects %j at %d:%d', (text, line, column, message) => {
    const error = syntaxError(text);
    expect(error.message).toMatch(message);
    expect([error.pos.line, error.pos.column]).toEqual([line, column]);
  });

  it('refuses a condition nested 10,000 deep with an error, not a stack overflow', () => {
    const deep = `${'('.repeat(10_000)}a${')'.repeat(10_000)}`;
    expect(syntaxError(deep).message).toMatch(/exceeded max depth limit/);
    const notChain = `${'not ('.repeat(10_000)}a${')'.repeat(10_000)}`;
    expect(syntaxError(notChain).message).toMatch(/exceeded max depth limit/);
  });

  it('reads a 100,000-character token in linear time (no regex backtracking)', () => {
    const long = 'a'.repeat(100_000);
    expect(parseCondition(long)).toMatchObject({ kind: 'identifier', name: long });
    expect(syntaxError(`${long} = x`).message).toMatch(/unexpected token/);
    expect(parseCondition(`proc.name = ${'x'.repeat(100_000)}`)).toMatchObject({ kind: 'binary_check' });
  });

  it('parses a long flat chain without nesting limits', () => {
    const flat = Array.from({ length: 20_000 }, (_, i) => `m${i}`).join(' or ');
    const expr = parseCondition(flat);
    expect(expr.kind === 'or' && expr.children.length).toBe(20_000);
  });
});

describe('parseCondition: positions', () => {
  it('records where each node starts', () => {
    const expr = parseCondition('a and\n  proc.name = "x"') as Extract<Expr, { kind: 'and' }>;
    expect(expr.pos).toEqual({ offset: 0, line: 1, column: 1 });
    const check = expr.children[1] as Extract<Expr, { kind: 'binary_check' }>;
    expect(check.pos).toEqual({ offset: 8, line: 2, column: 3 });
    expect(check.right.pos).toEqual({ offset: 20, line: 2, column: 15 });
  });

  it('marks quoted list items so the loader never takes them for list names', () => {
    const expr = parseCondition('proc.name in (shells, "shells")') as Extract<Expr, { kind: 'binary_check' }>;
    expect(expr.right.kind === 'list' && expr.right.values.map((v) => v.quoted)).toEqual([false, true]);
  });
});

describe('the official Falco rules', () => {
  const files = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'k8s_audit_rules.yaml', 'aws_cloudtrail_rules.yaml'];
  it.each(files)('every condition in %s parses and its canonical form is stable', (file) => {
    const items = parseYaml(readFileSync(new URL(`../../../../../shared/falco-rules/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>[];
    const conditions = items.filter((item) => typeof item.condition === 'string').map((item) => item.condition as string);
    expect(conditions.length).toBeGreaterThan(10);
    for (const condition of conditions) {
      const once = canonical(condition);
      expect(canonical(once)).toBe(once);
    }
  });
});
