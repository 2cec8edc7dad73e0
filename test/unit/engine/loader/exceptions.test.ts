import { describe, expect, it } from 'vitest';
import { printCondition } from '../../../../detector/engine/condition/index.js';
import { fileJson, load, rule, summary } from './helpers.js';

function conditionOf(outcome: ReturnType<typeof load>): string {
  const found = outcome.rules[0];
  if (!found) throw new Error(`no rule loaded: ${JSON.stringify(outcome.result)}`);
  return printCondition(found.expandedCondition);
}

function withExceptions(exceptions: string, condition = 'evt.type = execve'): string {
  return rule('r', condition, `  exceptions:\n${exceptions}`);
}

describe('exceptions', () => {
  it('compiles the list form to one or-ed clause per row, comps defaulting to =', () => {
    const out = load(
      withExceptions(
        `    - name: writers\n      fields: [proc.name, fd.directory]\n      values:\n        - [yum, /usr/bin]\n        - [apt, "/usr/local/bin"]\n`,
      ),
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out)).toBe(
      '(evt.type = execve and not ((proc.name = yum and fd.directory = /usr/bin) or (proc.name = apt and fd.directory = /usr/local/bin)))',
    );
    expect(out.rules[0]?.exceptionFields).toEqual(['fd.directory', 'proc.name']);
  });

  it('compiles the scalar form to field in (values), comps defaulting to in', () => {
    const out = load(withExceptions(`    - name: pkg\n      fields: proc.name\n      values: [apt, "dnf update"]\n`));
    expect(conditionOf(out)).toBe('(evt.type = execve and not proc.name in (apt, "dnf update"))');
  });

  it('quotes values with spaces, parenthesizes a scalar used with a list operator and expands list names there', () => {
    const out = load(
      `- list: pkg_dirs\n  items: [/var/lib/apt, /var/lib/dnf]\n` +
        withExceptions(
          `    - name: mixed\n      fields: [proc.cmdline, fd.name, proc.pname]\n      comps: [startswith, pmatch, in]\n      values:\n        - [apt install, pkg_dirs, [bash, sh]]\n`,
        ),
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out)).toBe(
      '(evt.type = execve and not (proc.cmdline startswith "apt install" and fd.name pmatch (/var/lib/apt, /var/lib/dnf) and proc.pname in (bash, sh)))',
    );
  });

  it('ignores an exception without values, and several exceptions chain with and not', () => {
    const out = load(
      withExceptions(`    - name: empty\n      fields: [proc.name]\n    - name: a\n      fields: proc.name\n      values: [x]\n    - name: b\n      fields: proc.pname\n      values: [y]\n`),
    );
    expect(conditionOf(out)).toBe('(evt.type = execve and not proc.name in (x) and not proc.pname in (y))');
  });

  it('appends values to an existing exception and adds new exceptions with override', () => {
    const out = load(
      withExceptions(`    - name: pkg\n      fields: proc.name\n      values: [apt]\n`),
      `- rule: r\n  exceptions:\n    - name: pkg\n      values: [yum]\n    - name: users\n      fields: [user.name]\n      values: [[root]]\n  override:\n    exceptions: append\n`,
    );
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out)).toBe('(evt.type = execve and not proc.name in (apt, yum) and not user.name = root)');
  });

  it('warns when an appended exception has no values', () => {
    const out = load(withExceptions(`    - name: pkg\n      fields: proc.name\n      values: [apt]\n`), `- rule: r\n  exceptions:\n    - name: pkg\n  override:\n    exceptions: append\n`);
    expect(summary(out).warnings).toContain('LOAD_APPEND_NO_VALUES');
  });

  it('warns about two exceptions with one name', () => {
    const out = load(withExceptions(`    - name: a\n      fields: proc.name\n      values: [x]\n    - name: a\n      fields: proc.pname\n      values: [y]\n`));
    expect(summary(out).warnings).toEqual(['LOAD_EXCEPTION_NAME_NOT_UNIQUE']);
  });

  it.each([
    ['fields and comps of different lengths', `    - name: e\n      fields: [proc.name, proc.pname]\n      comps: [=]\n      values: [[a, b]]\n`, 'Fields and comps lists must have equal length'],
    ['an unknown comparison operator', `    - name: e\n      fields: [proc.name]\n      comps: [like]\n      values: [[a]]\n`, "'like' is not a supported comparison operator"],
    ['an unknown field', `    - name: e\n      fields: [proc.nope]\n      values: [[a]]\n`, "'proc.nope' is not a supported filter field"],
    ['a scalar field with a non-list comparison', `    - name: e\n      fields: proc.name\n      comps: =\n      values: [a]\n`, 'When fields is a single value, comps must be one of (in, pmatch, intersects)'],
    ['a scalar field with list comps', `    - name: e\n      fields: proc.name\n      comps: [in]\n      values: [a]\n`, 'Fields and comps must both be strings'],
    ['a values row of the wrong length', `    - name: e\n      fields: [proc.name, proc.pname]\n      values: [[a]]\n`, 'Fields and values lists must have equal length'],
    ['a list among scalar-field values', `    - name: e\n      fields: proc.name\n      values: [[a]]\n`, 'Expected values array to contain a list of strings'],
    ['no fields', `    - name: e\n      values: [[a]]\n`, "Item has no mapping for key 'fields'"],
  ])('rejects %s', (_label, exceptions, message) => {
    const out = load(withExceptions(exceptions));
    expect(summary(out).errors).toHaveLength(1);
    expect(fileJson(out).errors[0]?.message).toBe(message);
  });

  it('accepts fields with arguments in exceptions', () => {
    const out = load(withExceptions(`    - name: e\n      fields: ["proc.aname[2]", evt.arg.flags]\n      values: [[bash, O_RDONLY]]\n`));
    expect(summary(out)).toEqual({ errors: [], warnings: [] });
    expect(conditionOf(out)).toBe('(evt.type = execve and not (proc.aname[2] = bash and evt.arg.flags = O_RDONLY))');
  });
});
