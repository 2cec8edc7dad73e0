import { parseCondition } from '../../../../detector/engine/condition/index.js';
import { CompileError, compileCondition, type CompiledCondition } from '../../../../detector/engine/eval/index.js';
import { toyFields, type ToyEvent } from '../../../support/toy-fields.js';

/** Parses and compiles a condition against the toy table. */
export function compile(condition: string): CompiledCondition<ToyEvent> {
  return compileCondition(parseCondition(condition), toyFields);
}

/** Whether the condition matches the event. */
export function matches(condition: string, event: ToyEvent): boolean {
  return compile(condition).matches(event);
}

/** The CompileError a condition fails with (throws if it compiles). */
export function compileFailure(condition: string): CompileError {
  try {
    compile(condition);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  throw new Error(`expected '${condition}' not to compile`);
}

/** The event types as a sorted array, or 'all'. */
export function typesOf(condition: string): string[] | 'all' {
  const types = compile(condition).eventTypes;
  return types === undefined ? 'all' : [...types].sort();
}
