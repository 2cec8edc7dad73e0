/**
 * fnmatch(3) with flags 0, as libsinsp's `glob` uses it: `*` and `?` match any character including
 * `/` and a leading `.`, `[...]` is a bracket expression (`!` or `^` negates, ranges, POSIX classes),
 * and a backslash quotes the next character. `iglob` adds FNM_CASEFOLD.
 *
 * The pattern is compiled once; matching is the classic single-star backtracking walk, O(n·m) worst
 * case and allocation-free.
 */

type Token = { kind: 'char'; code: number } | { kind: 'any' } | { kind: 'star' } | { kind: 'set'; negate: boolean; test: (code: number) => boolean };

const CLASSES: Readonly<Record<string, (c: number) => boolean>> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  digit: (c) => c >= 48 && c <= 57,
  alnum: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126),
  xdigit: (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
  cntrl: (c) => c < 32 || c === 127,
  print: (c) => c >= 32 && c < 127,
  graph: (c) => c > 32 && c < 127,
};

function fold(code: number, caseInsensitive: boolean): number {
  return caseInsensitive && code >= 65 && code <= 90 ? code + 32 : code;
}

/** Parses a bracket expression starting after `[`; undefined when it is not closed (then `[` is literal). */
function parseSet(pattern: string, start: number, caseInsensitive: boolean): { token: Token; end: number } | undefined {
  let i = start;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  const tests: ((c: number) => boolean)[] = [];
  let first = true;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === ']' && !first) {
      const all = tests.slice();
      const test = (c: number): boolean => all.some((t) => t(c));
      return { token: { kind: 'set', negate, test }, end: i + 1 };
    }
    first = false;
    if (ch === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const cls = close < 0 ? undefined : CLASSES[pattern.slice(i + 2, close)];
      if (cls && close >= 0) {
        tests.push(caseInsensitive ? (c) => cls(c) || cls(c - 32) : cls);
        i = close + 2;
        continue;
      }
    }
    let lo: number;
    if (ch === '\\' && i + 1 < pattern.length) {
      lo = pattern.charCodeAt(i + 1);
      i += 2;
    } else {
      lo = pattern.charCodeAt(i);
      i++;
    }
    if (pattern[i] === '-' && i + 1 < pattern.length && pattern[i + 1] !== ']') {
      let hi: number;
      if (pattern[i + 1] === '\\' && i + 2 < pattern.length) {
        hi = pattern.charCodeAt(i + 2);
        i += 3;
      } else {
        hi = pattern.charCodeAt(i + 1);
        i += 2;
      }
      const [a, b] = [fold(lo, caseInsensitive), fold(hi, caseInsensitive)];
      tests.push((c) => (c >= lo && c <= hi) || (c >= a && c <= b));
    } else {
      const folded = fold(lo, caseInsensitive);
      tests.push((c) => c === folded);
    }
  }
  return undefined;
}

function compileTokens(pattern: string, caseInsensitive: boolean): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (ch === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (ch === '[') {
      const set = parseSet(pattern, i + 1, caseInsensitive);
      if (set) {
        tokens.push(set.token);
        i = set.end;
      } else {
        tokens.push({ kind: 'char', code: 91 });
        i++;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      tokens.push({ kind: 'char', code: fold(pattern.charCodeAt(i + 1), caseInsensitive) });
      i += 2;
    } else {
      tokens.push({ kind: 'char', code: fold(pattern.charCodeAt(i), caseInsensitive) });
      i++;
    }
  }
  return tokens;
}

function matchOne(token: Token, code: number): boolean {
  switch (token.kind) {
    case 'char':
      return token.code === code;
    case 'any':
      return true;
    case 'set':
      return token.test(code) !== token.negate;
    case 'star':
      return false;
  }
}

/** Compiles a glob pattern into a matcher. */
export function compileGlob(pattern: string, caseInsensitive = false): (text: string) => boolean {
  const tokens = compileTokens(pattern, caseInsensitive);
  return (text) => {
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < text.length) {
      const token = tokens[p];
      if (token !== undefined && token.kind === 'star') {
        starP = p++;
        starT = t;
        continue;
      }
      if (token !== undefined && matchOne(token, fold(text.charCodeAt(t), caseInsensitive))) {
        p++;
        t++;
        continue;
      }
      if (starP < 0) return false;
      p = starP + 1;
      t = ++starT;
    }
    while (tokens[p]?.kind === 'star') p++;
    return p === tokens.length;
  };
}
