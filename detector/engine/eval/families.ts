import { RE2JS } from 're2js';
import type { BinaryOperator, Position } from '../ast.js';
import type { FieldType, FieldValue } from '../fields.js';
import { CompileError } from './compile-error.js';
import { compileGlob } from './glob.js';
import { ipInNetwork, parseCidr, parseIp, sameIp, type IpAddress, type IpNetwork } from './ip.js';
import { compilePathPrefixes } from './path-prefix.js';
import { valueToText } from './value-text.js';

/**
 * Operator semantics per type family, after libsinsp's flt_compare: which operators a type admits,
 * how a literal is parsed for it (once, at compile time) and how an extracted value is tested.
 */

/** The operators after `==` is folded into `=`. */
export type Op = Exclude<BinaryOperator, '=='>;

/** Tests one extracted (non-missing) scalar value. */
export type Predicate = (value: FieldValue) => boolean;

/** Compares two extracted values of the same type (a right-hand side that is a field). */
export type DynamicTest = (left: FieldValue, right: FieldValue) => boolean;

/** One type family: the operators it admits, and how to build tests for them. */
export interface Family {
  name: string;
  ops: ReadonlySet<Op>;
  /** Builds the test for literal right-hand values (one for scalar operators, several for `in`). */
  literal(op: Op, values: readonly string[], pos: readonly Position[]): Predicate;
  /** Builds the test against another field's value; undefined when the operator does not allow it. */
  dynamic(op: Op): DynamicTest | undefined;
}

function bad(reason: 'bad_value' | 'bad_regex', message: string, pos: Position | undefined): CompileError {
  return new CompileError(reason, message, pos ?? { offset: 0, line: 1, column: 1 });
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function textOf(value: FieldValue): string {
  return typeof value === 'string' ? value : valueToText(value);
}

function orderTest(op: Op, cmp: (a: FieldValue, b: FieldValue) => number): DynamicTest | undefined {
  switch (op) {
    case '<':
      return (a, b) => cmp(a, b) < 0;
    case '<=':
      return (a, b) => cmp(a, b) <= 0;
    case '>':
      return (a, b) => cmp(a, b) > 0;
    case '>=':
      return (a, b) => cmp(a, b) >= 0;
    default:
      return undefined;
  }
}

function membership<T>(values: readonly T[], equal: (value: FieldValue, item: T) => boolean): Predicate {
  return (value) => {
    for (const item of values) if (equal(value, item)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------------
// Strings and paths.

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const STRING_OPS: readonly Op[] = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'in', 'intersects', 'pmatch'];

function compileRegex(pattern: string, pos: Position | undefined): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw new CompileError('bad_regex', `invalid regex pattern: ${error instanceof Error ? error.message : String(error)}`, pos ?? { offset: 0, line: 1, column: 1 }, { cause: error });
  }
}

const stringFamily: Family = {
  name: 'string',
  ops: new Set(STRING_OPS),
  literal(op, values, pos) {
    const [first = ''] = values;
    switch (op) {
      case '=':
        return (v) => textOf(v) === first;
      case '!=':
        return (v) => textOf(v) !== first;
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const test = orderTest(op, (a, b) => compareStrings(textOf(a), textOf(b)));
        return test ? (v) => test(v, first) : () => false;
      }
      case 'contains':
        return (v) => textOf(v).includes(first);
      case 'icontains': {
        const needle = asciiLower(first);
        return (v) => asciiLower(textOf(v)).includes(needle);
      }
      case 'startswith':
        return (v) => textOf(v).startsWith(first);
      case 'endswith':
        return (v) => textOf(v).endsWith(first);
      case 'glob': {
        const match = compileGlob(first);
        return (v) => match(textOf(v));
      }
      case 'iglob': {
        const match = compileGlob(first, true);
        return (v) => match(textOf(v));
      }
      case 'regex': {
        const re = compileRegex(first, pos[0]);
        return (v) => re.testExact(textOf(v));
      }
      case 'in':
      case 'intersects': {
        const set = new Set(values);
        return (v) => set.has(textOf(v));
      }
      case 'pmatch': {
        const match = compilePathPrefixes(values);
        return (v) => match(textOf(v));
      }
      default:
        return () => false;
    }
  },
  dynamic(op) {
    switch (op) {
      case '=':
      case 'in':
      case 'intersects':
        return (a, b) => textOf(a) === textOf(b);
      case '!=':
        return (a, b) => textOf(a) !== textOf(b);
      case 'contains':
        return (a, b) => textOf(a).includes(textOf(b));
      case 'icontains':
        return (a, b) => asciiLower(textOf(a)).includes(asciiLower(textOf(b)));
      case 'startswith':
        return (a, b) => textOf(a).startsWith(textOf(b));
      case 'endswith':
        return (a, b) => textOf(a).endsWith(textOf(b));
      case 'glob':
        return (a, b) => compileGlob(textOf(b))(textOf(a));
      case 'iglob':
        return (a, b) => compileGlob(textOf(b), true)(textOf(a));
      default:
        return orderTest(op, (a, b) => compareStrings(textOf(a), textOf(b)));
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// Numbers. Integers are parsed as bigint and kept as a number when that is exact, so the usual
// comparison of two numbers stays on the fast path; 64-bit values from extractors may be bigint.

type Num = number | bigint;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

function parseInteger(text: string, signed: boolean): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', digits = ''] = match;
  const magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value < 0n || value > UINT64_MAX) return undefined;
  return value;
}

function narrow(value: bigint): Num {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function toNum(value: FieldValue): Num | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function compareNum(a: Num, b: Num): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'number' && !Number.isInteger(a)) return compareNum(a, Number(b));
  if (typeof b === 'number' && !Number.isInteger(b)) return compareNum(Number(a), b);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function numericFamily(name: string, parse: (text: string) => Num | undefined): Family {
  const cmp = (a: FieldValue, b: FieldValue): number => {
    const x = toNum(a);
    const y = toNum(b);
    return x === undefined || y === undefined ? NaN : compareNum(x, y);
  };
  const parseAll = (values: readonly string[], pos: readonly Position[]): Num[] =>
    values.map((text, i) => {
      const value = parse(text);
      if (value === undefined) throw bad('bad_value', `'${text}' is not a valid ${name} value`, pos[i]);
      return value;
    });
  return {
    name,
    ops: new Set<Op>(['=', '!=', '<', '<=', '>', '>=', 'in', 'intersects']),
    literal(op, values, pos) {
      const parsed = parseAll(values, pos);
      const [first = 0] = parsed;
      if (op === 'in' || op === 'intersects') {
        const numbers = new Set(parsed.filter((v): v is number => typeof v === 'number'));
        const bigs = parsed.filter((v): v is bigint => typeof v === 'bigint');
        return (v) => {
          const x = toNum(v);
          if (x === undefined) return false;
          if (typeof x === 'number') return numbers.has(x) || (bigs.length > 0 && bigs.some((b) => compareNum(x, b) === 0));
          return parsed.some((b) => compareNum(x, b) === 0);
        };
      }
      if (typeof first === 'number') {
        // The common case: both sides are plain numbers.
        const slow = (v: FieldValue): number => {
          const x = toNum(v);
          return x === undefined ? NaN : compareNum(x, first);
        };
        switch (op) {
          case '=':
            return (v) => (typeof v === 'number' ? v === first : slow(v) === 0);
          case '!=':
            return (v) => {
              if (typeof v === 'number') return v !== first;
              const c = slow(v);
              return c !== 0 && !Number.isNaN(c);
            };
          case '<':
            return (v) => (typeof v === 'number' ? v < first : slow(v) < 0);
          case '<=':
            return (v) => (typeof v === 'number' ? v <= first : slow(v) <= 0);
          case '>':
            return (v) => (typeof v === 'number' ? v > first : slow(v) > 0);
          case '>=':
            return (v) => (typeof v === 'number' ? v >= first : slow(v) >= 0);
          default:
            return () => false;
        }
      }
      const test = op === '=' ? (a: FieldValue, b: FieldValue) => cmp(a, b) === 0 : op === '!=' ? (a: FieldValue, b: FieldValue) => cmp(a, b) !== 0 : orderTest(op, cmp);
      return test ? (v) => test(v, first) : () => false;
    },
    dynamic(op) {
      switch (op) {
        case '=':
        case 'in':
        case 'intersects':
          return (a, b) => cmp(a, b) === 0;
        case '!=':
          return (a, b) => cmp(a, b) !== 0;
        default:
          return orderTest(op, cmp);
      }
    },
  };
}

const intFamily = numericFamily('int', (text) => {
  const v = parseInteger(text, true);
  return v === undefined ? undefined : narrow(v);
});

const uintFamily = numericFamily('uint', (text) => {
  const v = parseInteger(text, false);
  return v === undefined ? undefined : narrow(v);
});

const doubleFamily = numericFamily('double', (text) => {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return undefined;
  return Number(text);
});

// ---------------------------------------------------------------------------------------------------
// Booleans.

function parseBool(text: string): boolean | undefined {
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function toBool(value: FieldValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return parseBool(value);
  return undefined;
}

const boolFamily: Family = {
  name: 'bool',
  ops: new Set<Op>(['=', '!=', 'in', 'intersects']),
  literal(op, values, pos) {
    const parsed = values.map((text, i) => {
      const value = parseBool(text);
      if (value === undefined) throw bad('bad_value', `'${text}' is not a valid bool value (true or false)`, pos[i]);
      return value;
    });
    const [first = false] = parsed;
    if (op === '!=') return (v) => toBool(v) !== first;
    if (op === '=') return (v) => toBool(v) === first;
    return (v) => {
      const b = toBool(v);
      return b !== undefined && parsed.includes(b);
    };
  },
  dynamic(op) {
    if (op === '!=') return (a, b) => toBool(a) !== toBool(b);
    if (op === '=' || op === 'in' || op === 'intersects') return (a, b) => toBool(a) === toBool(b);
    return undefined;
  },
};

// ---------------------------------------------------------------------------------------------------
// Byte buffers. `bcontains`/`bstartswith` take hex; the other operators take the text's bytes.

function toBuffer(value: FieldValue): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(textOf(value), 'utf8');
}

function parseHex(text: string): Buffer | undefined {
  return /^([0-9a-fA-F]{2})*$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

function bufferTest(op: Op): ((a: Buffer, b: Buffer) => boolean) | undefined {
  switch (op) {
    case '=':
    case 'in':
    case 'intersects':
      return (a, b) => a.equals(b);
    case '!=':
      return (a, b) => !a.equals(b);
    case 'contains':
    case 'bcontains':
      return (a, b) => a.indexOf(b) >= 0;
    case 'startswith':
    case 'bstartswith':
      return (a, b) => b.length <= a.length && a.subarray(0, b.length).equals(b);
    case 'endswith':
      return (a, b) => b.length <= a.length && a.subarray(a.length - b.length).equals(b);
    default:
      return undefined;
  }
}

const bytesFamily: Family = {
  name: 'bytes',
  ops: new Set<Op>(['=', '!=', 'contains', 'startswith', 'endswith', 'bcontains', 'bstartswith', 'in', 'intersects']),
  literal(op, values, pos) {
    const hex = op === 'bcontains' || op === 'bstartswith';
    const parsed = values.map((text, i) => {
      const value = hex ? parseHex(text) : Buffer.from(text, 'utf8');
      if (!value) throw bad('bad_value', `'${text}' is not a valid hex string`, pos[i]);
      return value;
    });
    const test = bufferTest(op);
    if (!test) return () => false;
    const [first = Buffer.alloc(0)] = parsed;
    if (op === 'in' || op === 'intersects') return (v) => parsed.some((b) => test(toBuffer(v), b));
    return (v) => test(toBuffer(v), first);
  },
  dynamic(op) {
    const test = bufferTest(op);
    return test ? (a, b) => test(toBuffer(a), toBuffer(b)) : undefined;
  },
};

// ---------------------------------------------------------------------------------------------------
// IP addresses and networks. Extracted values are address texts; a CIDR literal means "in network".

type IpLiteral = { kind: 'address'; address: IpAddress } | { kind: 'network'; network: IpNetwork };

function ipMatches(value: FieldValue, literal: IpLiteral): boolean {
  const text = textOf(value);
  return literal.kind === 'address' ? sameIp(text, literal.address) : ipInNetwork(text, literal.network);
}

function ipFamily(name: string, networksOnly: boolean): Family {
  return {
    name,
    ops: new Set<Op>(['=', '!=', 'in', 'intersects']),
    literal(op, values, pos) {
      const parsed = values.map((text, i): IpLiteral => {
        const address = !networksOnly && !text.includes('/') ? parseIp(text) : undefined;
        if (address) return { kind: 'address', address };
        const network = parseCidr(text);
        if (!network) throw bad('bad_value', `'${text}' is not a valid ${networksOnly ? 'network' : 'IP address or network'}`, pos[i]);
        return { kind: 'network', network };
      });
      const [first] = parsed;
      if (!first) return () => false;
      if (op === '=') return (v) => ipMatches(v, first);
      if (op === '!=') return (v) => !ipMatches(v, first);
      return membership(parsed, ipMatches);
    },
    dynamic(op) {
      if (networksOnly) return undefined;
      const equal = (a: FieldValue, b: FieldValue): boolean => {
        const address = parseIp(textOf(b));
        return address !== undefined && sameIp(textOf(a), address);
      };
      if (op === '!=') return (a, b) => !equal(a, b);
      if (op === '=' || op === 'in' || op === 'intersects') return equal;
      return undefined;
    },
  };
}

/** The family of every field type. */
export const FAMILIES: Readonly<Record<FieldType, Family>> = {
  string: stringFamily,
  fspath: stringFamily,
  bytes: bytesFamily,
  int: intFamily,
  uint: uintFamily,
  double: doubleFamily,
  abstime: uintFamily,
  reltime: uintFamily,
  bool: boolFamily,
  ipaddr: ipFamily('ipaddr', false),
  ipnet: ipFamily('ipnet', true),
};

/** Field types libsinsp accepts as list fields (for `in`, `intersects`, `exists`). */
export const LIST_TYPES: ReadonlySet<FieldType> = new Set(['string', 'uint', 'reltime', 'abstime', 'bool', 'ipaddr', 'ipnet']);
