/**
 * String escaping in conditions, with libsinsp's rules: which escapes a quoted string may use, and
 * when the canonical form must quote a value.
 */

/** Escapes valid in both quote styles, and what they stand for. */
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['\\', '\\'],
  // libsinsp reads a backslash-space as a lone backslash (kept for old, wrongly escaped rules).
  [' ', '\\'],
  ['/', '/'],
]);

/**
 * Unescapes the body of a quoted string (without its quotes). Returns an error message for an
 * escape libsinsp rejects: an unknown one, or the other quote character escaped.
 */
export function unescapeQuoted(body: string, quote: '"' | "'"): { value: string } | { error: string } {
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = body[++i] ?? '';
    const simple = ESCAPES.get(next);
    if (simple !== undefined) value += simple;
    else if (next === '"' || next === "'") {
      if (next !== quote) return { error: `invalid \\${next} escape in ${quote}-quoted string` };
      value += next;
    } else return { error: `unsupported string escape sequence: \\${next}` };
  }
  return { value };
}

/** Characters that make the canonical form quote a value, and how each is written inside quotes. */
const QUOTED_FORMS: ReadonlyMap<string, string> = new Map([
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  [' ', ' '],
  ['\\', '\\\\'],
  ['"', '\\"'],
  ["'", "'"],
]);

/**
 * A value as libsinsp prints it: bare unless it holds a blank, a quote or a backslash. One deliberate
 * difference: libsinsp prints the empty string as nothing, which does not parse back; we print `""`.
 */
export function escapeValue(value: string): string {
  let quoted = value === '';
  let body = '';
  for (const c of value) {
    const form = QUOTED_FORMS.get(c);
    if (form === undefined) body += c;
    else {
      quoted = true;
      body += form;
    }
  }
  return quoted ? `"${body}"` : body;
}
