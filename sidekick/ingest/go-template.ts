import { SakerError } from '../../common/errors.js';
import { SIDEKICK_ERRORS } from '../errors.js';

/**
 * The subset of Go's text/template that falcosidekick's `templatedfields` are written in: text with
 * `{{ pipeline }}` actions over one data value (the alert's output_fields), where a pipeline is
 * commands joined by `|`, a command is a function call or an operand, and operands are `.`,
 * `.field.sub`, string/number/bool/nil literals and parenthesised pipelines. The functions are Go's
 * builtins that make sense on JSON data (index, or, and, not, eq, ne, lt, le, gt, ge, len, print,
 * printf). Control actions (if, range, with, define) are rejected at compile time rather than
 * silently misrendered.
 */
export type CompiledTemplate = (data: unknown) => string;

type Node =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'pipe'; commands: Node[] };

const NO_VALUE = '<no value>';

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  fail(message: string): never {
    throw new SakerError(SIDEKICK_ERRORS.TEMPLATE, `template: ${message} at offset ${this.pos}`);
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.src.length;
  }

  pipeline(stop: ')' | 'end'): Node {
    const commands: Node[] = [this.command()];
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === '|') {
        this.pos++;
        commands.push(this.command());
        continue;
      }
      if (stop === ')' && this.src[this.pos] === ')') return { kind: 'pipe', commands };
      if (stop === 'end' && this.pos >= this.src.length) return { kind: 'pipe', commands };
      this.fail(`unexpected '${this.src[this.pos] ?? 'end'}'`);
    }
  }

  private command(): Node {
    this.skipSpace();
    const start = this.pos;
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos))?.[0];
    if (ident !== undefined && !['true', 'false', 'nil'].includes(ident)) {
      this.pos += ident.length;
      if (!Object.hasOwn(FUNCTIONS, ident)) {
        this.pos = start;
        this.fail(`function or action "${ident}" is not supported`);
      }
      const args: Node[] = [];
      for (;;) {
        this.skipSpace();
        const c = this.src[this.pos];
        if (c === undefined || c === '|' || c === ')') break;
        args.push(this.operand());
      }
      return { kind: 'call', name: ident, args };
    }
    const operand = this.operand();
    this.skipSpace();
    const c = this.src[this.pos];
    if (c !== undefined && c !== '|' && c !== ')') this.fail('an operand cannot take arguments');
    return operand;
  }

  private operand(): Node {
    this.skipSpace();
    const rest = this.src.slice(this.pos);
    const c = rest[0];
    if (c === '.') {
      const match = /^\.((?:[A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?/.exec(rest) as RegExpExecArray;
      this.pos += match[0].length;
      return { kind: 'dot', fields: match[1] ? match[1].split('.') : [] };
    }
    if (c === '(') {
      this.pos++;
      const inner = this.pipeline(')');
      this.pos++;
      return inner;
    }
    if (c === '"') {
      const match = /^"(?:[^"\\]|\\.)*"/.exec(rest);
      if (!match) this.fail('unterminated string');
      this.pos += match[0].length;
      return { kind: 'literal', value: JSON.parse(match[0]) as string };
    }
    if (c === '`') {
      const end = rest.indexOf('`', 1);
      if (end < 0) this.fail('unterminated raw string');
      this.pos += end + 1;
      return { kind: 'literal', value: rest.slice(1, end) };
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest)?.[0];
    if (number !== undefined) {
      this.pos += number.length;
      return { kind: 'literal', value: Number(number) };
    }
    const word = /^(true|false|nil)\b/.exec(rest)?.[0];
    if (word !== undefined) {
      this.pos += word.length;
      return { kind: 'literal', value: word === 'nil' ? null : word === 'true' };
    }
    this.fail(`unexpected '${c ?? 'end'}'`);
  }
}

/** Go's notion of truth: zero values (empty, 0, false, nil) are false. */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** How Go's fmt prints a value decoded from JSON. */
function show(value: unknown): string {
  if (value === null || value === undefined) return NO_VALUE;
  if (Array.isArray(value)) return `[${value.map(show).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${show(v)}`).join(' ')}]`;
  }
  return String(value);
}

function compare(name: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new SakerError(SIDEKICK_ERRORS.TEMPLATE, `template: ${name}: incompatible types for comparison`);
}

function printf(format: unknown, ...args: unknown[]): string {
  let i = 0;
  return String(format).replace(/%([%vsdq])/g, (_m, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[i++];
    if (verb === 'q') return JSON.stringify(show(arg));
    if (verb === 'd') return typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${show(arg)})`;
    return show(arg);
  });
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  index: (item, ...keys) =>
    keys.reduce<unknown>((value, key) => {
      if (value === null || value === undefined) return undefined;
      if (Array.isArray(value)) return value[Number(key)];
      if (typeof value === 'object') return (value as Record<string, unknown>)[String(key)];
      return undefined;
    }, item),
  or: (...args) => args.find(truthy) ?? args[args.length - 1],
  and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
  not: (a) => !truthy(a),
  eq: (a, ...rest) => rest.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare('lt', a, b) < 0,
  le: (a, b) => compare('le', a, b) <= 0,
  gt: (a, b) => compare('gt', a, b) > 0,
  ge: (a, b) => compare('ge', a, b) >= 0,
  len: (a) => (typeof a === 'string' || Array.isArray(a) ? a.length : a && typeof a === 'object' ? Object.keys(a).length : 0),
  print: (...args) => args.map(show).join(''),
  printf: (format, ...args) => printf(format, ...args),
};

function evaluate(node: Node, data: unknown, piped?: { value: unknown }): unknown {
  switch (node.kind) {
    case 'dot':
      return node.fields.reduce<unknown>(
        (value, field) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined),
        data,
      );
    case 'literal':
      return node.value;
    case 'call': {
      const args = node.args.map((arg) => evaluate(arg, data));
      if (piped) args.push(piped.value);
      return (FUNCTIONS[node.name] as (...a: unknown[]) => unknown)(...args);
    }
    case 'pipe': {
      let carried: { value: unknown } | undefined;
      for (const command of node.commands) {
        if (carried && command.kind !== 'call') {
          throw new SakerError(SIDEKICK_ERRORS.TEMPLATE, 'template: only a function can follow |');
        }
        carried = { value: evaluate(command, data, carried) };
      }
      return carried?.value;
    }
  }
}

/** Compiles a template; throws `SAKER_ERR_TEMPLATE` on syntax this subset does not support. */
export function compileTemplate(source: string): CompiledTemplate {
  const parts: (string | Node)[] = [];
  let rest = source;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      parts.push(rest);
      break;
    }
    let text = rest.slice(0, open);
    let inner = rest.slice(open + 2);
    if (inner.startsWith('- ')) {
      text = text.trimEnd();
      inner = inner.slice(2);
    }
    const close = inner.indexOf('}}');
    if (close < 0) throw new SakerError(SIDEKICK_ERRORS.TEMPLATE, 'template: unclosed action');
    let action = inner.slice(0, close);
    rest = inner.slice(close + 2);
    if (action.endsWith(' -')) {
      action = action.slice(0, -2);
      rest = rest.trimStart();
    }
    parts.push(text);
    const trimmed = action.trim();
    if (trimmed.startsWith('/*')) continue;
    const parser = new Parser(trimmed);
    if (parser.atEnd()) throw new SakerError(SIDEKICK_ERRORS.TEMPLATE, 'template: missing value for command');
    parts.push(parser.pipeline('end'));
  }
  return (data) => parts.map((part) => (typeof part === 'string' ? part : show(evaluate(part, data)))).join('');
}
