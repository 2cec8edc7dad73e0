import { describe, expect, it } from 'vitest';
import type { BinaryCheckExpr, BinaryOperator, ComparisonModifier } from '../../../../detector/engine/ast.js';
import { parseCondition } from '../../../../detector/engine/condition/index.js';
import { compileCondition } from '../../../../detector/engine/eval/index.js';
import { toyEvent, toyFields } from '../../../support/toy-fields.js';

/** libsinsp's comparison modifiers (`op anyof|allof|oneof (…)`), parsed from their written form. */
function check(field: string, operator: BinaryOperator, modifier: ComparisonModifier, values: string): BinaryCheckExpr {
  const parsed = parseCondition(`${field} ${operator} ${modifier} (${values})`) as BinaryCheckExpr;
  expect(parsed).toMatchObject({ kind: 'binary_check', operator, modifier });
  return parsed;
}

const event = toyEvent({ 'proc.name': 'bash', 'proc.pid': 42, 'fd.ip': ['10.0.0.1', '8.8.8.8'] });

describe('comparison modifiers', () => {
  it.each<[string, BinaryOperator, ComparisonModifier, string, boolean]>([
    ['proc.name', 'startswith', 'anyof', 'ba, zs', true],
    ['proc.name', 'startswith', 'anyof', 'zs, ks', false],
    ['proc.name', 'contains', 'allof', 'ba, sh', true],
    ['proc.name', 'contains', 'allof', 'ba, zz', false],
    ['proc.name', 'contains', 'oneof', 'ba, zz', true],
    ['proc.name', 'contains', 'oneof', 'ba, sh', false],
    ['proc.name', '=', 'anyof', 'sh, bash', true],
    ['proc.name', '!=', 'allof', 'sh, zsh', true],
    ['proc.name', '!=', 'allof', 'sh, bash', false],
    ['proc.name', 'glob', 'anyof', '"z*", "b*"', true],
    ['proc.pid', '>', 'allof', '10, 20', true],
    ['proc.pid', '>', 'oneof', '10, 50', true],
    ['proc.pid', '<', 'anyof', '1, 2', false],
    ['fd.ip', '=', 'anyof', '"1.1.1.1", "8.8.8.8"', true],
  ])('%s %s %s (%s) → %s', (field, operator, modifier, values, expected) => {
    expect(compileCondition(check(field, operator, modifier, values), toyFields).matches(event)).toBe(expected);
  });

  it('is false when the field has no value', () => {
    const compiled = compileCondition(check('proc.pname', '!=', 'allof', 'a, b'), toyFields);
    expect(compiled.matches(event)).toBe(false);
  });

  it('still parses every value for the field type', () => {
    expect(() => compileCondition(check('proc.pid', '>', 'anyof', '1, x'), toyFields)).toThrow(expect.objectContaining({ reason: 'bad_value' }));
  });
});
