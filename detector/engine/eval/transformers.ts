import type { Position, TransformerName } from '../ast.js';
import type { FieldType, FieldValue } from '../fields.js';
import { CompileError } from './compile-error.js';
import type { Operand } from './operand.js';
import { valueToText } from './value-text.js';

/**
 * The transformers, as libsinsp defines them: which argument types each accepts, the type it yields,
 * and what it does to a value. A transformer over a missing value yields a missing value.
 */
type TransformerCompiler = <E>(args: Operand<E>[], pos: Position) => Operand<E>;

const STRING_TYPES: ReadonlySet<FieldType> = new Set(['string', 'fspath']);

function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function single<E>(name: TransformerName, args: Operand<E>[], pos: Position): Operand<E> {
  const [arg] = args;
  if (args.length !== 1 || !arg) throw new CompileError('bad_transformer', `${name}() takes exactly one argument`, pos);
  if (arg.isLiteral) throw new CompileError('bad_transformer', `${name}() needs a field argument`, pos);
  return arg;
}

function typeError(name: TransformerName, arg: Operand<unknown>, pos: Position): CompileError {
  return new CompileError('bad_transformer', `type '${arg.type}${arg.list ? ' (list)' : ''}' is not supported by '${name}' transformer applied on '${arg.text}'`, pos);
}

/** A transformer that maps one string-like scalar to another of the same type. */
function stringMap(name: TransformerName, accepts: ReadonlySet<FieldType>, map: (text: string, value: FieldValue) => string | undefined): TransformerCompiler {
  return <E>(args: Operand<E>[], pos: Position): Operand<E> => {
    const arg = single(name, args, pos);
    if (arg.list || !accepts.has(arg.type)) throw typeError(name, arg as Operand<unknown>, pos);
    const inner = arg.extract;
    return {
      type: arg.type,
      list: false,
      text: `${name}(${arg.text})`,
      isField: false,
      isLiteral: false,
      extract: (event) => {
        const value = inner(event);
        if (value === undefined) return undefined;
        if (Array.isArray(value)) {
          // A multi-valued field: each value is transformed, as libsinsp transforms every extracted value.
          const out: string[] = [];
          for (const item of value as readonly (string | number)[]) {
            const mapped = map(String(item), item);
            if (mapped !== undefined) out.push(mapped);
          }
          return out;
        }
        return map(typeof value === 'string' ? value : valueToText(value), value);
      },
      ...(arg.multiValue ? { multiValue: arg.multiValue } : {}),
    };
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): string | undefined {
  // Padding may be missing (libsinsp decodes "without padding"); any other character is invalid.
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}

function byteLength(value: FieldValue): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.length;
  return Buffer.byteLength(String(value), 'utf8');
}

const len: TransformerCompiler = <E>(args: Operand<E>[], pos: Position): Operand<E> => {
  const arg = single('len', args, pos);
  if (!arg.list && !STRING_TYPES.has(arg.type) && arg.type !== 'bytes') throw typeError('len', arg as Operand<unknown>, pos);
  const inner = arg.extract;
  return {
    type: 'uint',
    list: false,
    text: `len(${arg.text})`,
    isField: false,
    isLiteral: false,
    extract: (event) => {
      const value = inner(event);
      return value === undefined ? undefined : byteLength(value);
    },
  };
};

function textOf(value: FieldValue): string {
  return typeof value === 'string' ? value : valueToText(value);
}

const join: TransformerCompiler = <E>(args: Operand<E>[], pos: Position): Operand<E> => {
  const [sep, list] = args;
  if (args.length !== 2 || !sep || !list) throw new CompileError('bad_transformer', 'join() requires exactly 2 arguments: separator and list', pos);
  if (sep.list) throw new CompileError('bad_transformer', 'join() first argument (separator) must be a single value, not a list', pos);
  if (!list.list) throw new CompileError('bad_transformer', 'join() second argument must be a list', pos);
  return {
    type: 'string',
    list: false,
    text: `join(${sep.text},${list.text})`,
    isField: false,
    isLiteral: false,
    extract: (event) => {
      const separator = sep.extract(event);
      if (separator === undefined) return undefined;
      const values = list.extract(event);
      if (values === undefined) return undefined;
      return Array.isArray(values) ? (values as readonly (string | number)[]).join(textOf(separator)) : textOf(values);
    },
  };
};

const concat: TransformerCompiler = <E>(args: Operand<E>[], pos: Position): Operand<E> => {
  if (args.length < 2) throw new CompileError('bad_transformer', 'concat() requires at least 2 arguments', pos);
  for (const arg of args) {
    if (arg.type !== 'string' || arg.list) throw new CompileError('bad_transformer', 'concat() arguments must be strings', pos);
  }
  const extractors = args.map((arg) => arg.extract);
  return {
    type: 'string',
    list: false,
    text: `concat(${args.map((arg) => arg.text).join(',')})`,
    isField: false,
    isLiteral: false,
    extract: (event) => {
      let out = '';
      for (const extract of extractors) {
        const value = extract(event);
        if (value === undefined) return undefined;
        out += textOf(value);
      }
      return out;
    },
  };
};

interface OptInfo {
  valid: ReadonlySet<string>;
  withArg: ReadonlySet<string>;
}

function parseOptstring(optstring: string): OptInfo {
  const valid = new Set<string>();
  const withArg = new Set<string>();
  for (let i = optstring.startsWith(':') ? 1 : 0; i < optstring.length; i++) {
    const opt = optstring[i] ?? '';
    if (opt === ':') continue;
    valid.add(opt);
    if (optstring[i + 1] === ':') {
      withArg.add(opt);
      i++;
    }
  }
  return { valid, withArg };
}

/** getopt(3)-style scan: stops at `--` or the first non-option, skips long options, `?` for unknown. */
export function getopt(argv: readonly string[], info: OptInfo): string[] {
  const out: string[] = [];
  for (let a = 0; a < argv.length; a++) {
    const arg = argv[a] ?? '';
    if (arg === '--') break;
    if (arg.length > 2 && arg.startsWith('--')) continue;
    if (arg.length < 2 || arg[0] !== '-') break;
    for (let i = 1; i < arg.length; i++) {
      const opt = arg[i] ?? '';
      if (opt === ':' || !info.valid.has(opt)) {
        out.push('?');
        continue;
      }
      out.push(opt);
      if (!info.withArg.has(opt)) continue;
      if (i + 1 < arg.length) out.push(arg.slice(i + 1));
      else if (a + 1 < argv.length) out.push(argv[++a] ?? '');
      else out.push('');
      break;
    }
  }
  return out;
}

const getoptTransformer: TransformerCompiler = <E>(args: Operand<E>[], pos: Position): Operand<E> => {
  const [argv, optstring] = args;
  if (args.length !== 2 || !argv || !optstring) throw new CompileError('bad_transformer', 'getopt() requires exactly 2 arguments: args list and optstring', pos);
  if (!argv.list) throw new CompileError('bad_transformer', 'getopt() first argument must be a list', pos);
  if (optstring.list) throw new CompileError('bad_transformer', 'getopt() second argument (optstring) must be a single value', pos);
  if (argv.type !== 'string' || optstring.type !== 'string') throw new CompileError('bad_transformer', 'getopt() arguments must be strings', pos);
  const constant = optstring.isLiteral ? parseOptstring(String(optstring.extract(undefined as unknown as E))) : undefined;
  return {
    type: 'string',
    list: true,
    text: `getopt(${argv.text},${optstring.text})`,
    isField: false,
    isLiteral: false,
    extract: (event) => {
      let info = constant;
      if (!info) {
        const text = optstring.extract(event);
        if (text === undefined) return undefined;
        info = parseOptstring(textOf(text));
      }
      const values = argv.extract(event);
      if (values === undefined || !Array.isArray(values)) return undefined;
      return getopt((values as readonly (string | number)[]).map(String), info);
    },
  };
};

/** Every transformer the condition language has, by name. */
export const TRANSFORMER_TABLE: Readonly<Record<TransformerName, TransformerCompiler>> = {
  toupper: stringMap('toupper', STRING_TYPES, (text) => asciiUpper(text)),
  tolower: stringMap('tolower', STRING_TYPES, (text) => asciiLower(text)),
  basename: stringMap('basename', STRING_TYPES, (text) => text.slice(text.lastIndexOf('/') + 1)),
  b64: stringMap('b64', new Set<FieldType>(['string', 'bytes']), (text) => decodeBase64(text)),
  len,
  join,
  concat,
  getopt: getoptTransformer,
};
