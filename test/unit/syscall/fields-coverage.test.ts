// Every field the official syscall rules use (in conditions and outputs) must exist in the syscall
// field table with an argument rule that accepts how the rules write it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SYSCALL_FIELDS } from '../../../detector/fields/syscall/index.js';

const RULES_DIR = new URL('../../../../shared/falco-rules/', import.meta.url);
const FILES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'];
const FIELD_RE = /(?<![\w.-])((?:evt|proc|fd|user|group|thread|container|k8s|syscall)\.[A-Za-z0-9_.]*[A-Za-z0-9_])(\[[^\]]*\])?/g;

interface Ref {
  text: string;
  name: string;
  arg?: string;
  file: string;
}

function referencedFields(): Ref[] {
  const refs: Ref[] = [];
  for (const file of FILES) {
    const text = readFileSync(new URL(file, RULES_DIR), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const items = doc.toJS() as unknown;
      if (!Array.isArray(items)) continue;
      for (const item of items as Record<string, unknown>[]) {
        for (const key of ['condition', 'output'] as const) {
          const s = item[key];
          if (typeof s !== 'string') continue;
          // Quoted literals are values, not fields.
          const code = s.replace(/"[^"]*"|'[^']*'/g, '""');
          for (const m of code.matchAll(FIELD_RE)) {
            const raw = m[1] ?? '';
            const arg = m[2]?.slice(1, -1);
            refs.push({ text: m[0], name: raw, arg, file });
          }
        }
      }
    }
  }
  return refs;
}

/** Resolves `evt.arg.flags`-style names to the longest table field plus a dotted argument. */
function resolve(ref: Ref): { field: string; arg: string | undefined } | undefined {
  const fields = SYSCALL_FIELDS.fields;
  if (fields.has(ref.name)) return { field: ref.name, arg: ref.arg };
  const parts = ref.name.split('.');
  for (let n = parts.length - 1; n >= 2; n--) {
    const head = parts.slice(0, n).join('.');
    const spec = fields.get(head);
    if (spec && spec.arg.kind === 'dotted-key' && ref.arg === undefined) return { field: head, arg: parts.slice(n).join('.') };
  }
  return undefined;
}

describe('syscall field table covers the official rules', () => {
  const refs = referencedFields();

  it('finds the fields the rules use', () => {
    const names = new Set(refs.map((r) => r.name));
    // A sanity floor: the three files use well over 70 distinct fields.
    expect(names.size).toBeGreaterThan(70);
    expect(names).toContain('proc.aname');
    expect(names).toContain('evt.arg.flags');
  });

  it('has every referenced field, and accepts its argument', () => {
    const problems: string[] = [];
    for (const ref of refs) {
      const r = resolve(ref);
      if (r === undefined) {
        problems.push(`${ref.file}: unknown field ${ref.text}`);
        continue;
      }
      const spec = SYSCALL_FIELDS.fields.get(r.field);
      if (spec === undefined) continue;
      try {
        spec.bind(r.arg);
      } catch (e) {
        problems.push(`${ref.file}: ${ref.text} rejected: ${(e as Error).message}`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('knows every event type the rules compare evt.type with', () => {
    const missing = new Set<string>();
    for (const file of FILES) {
      const text = readFileSync(new URL(file, RULES_DIR), 'utf8');
      for (const m of text.matchAll(/evt\.type\s*(?:=|!=|in)\s*(\([^)]*\)|\w+)/g)) {
        for (const w of (m[1] ?? '').replace(/[()]/g, '').split(/[\s,]+/)) {
          if (w && !SYSCALL_FIELDS.eventTypes.has(w) && !/^[a-z_]+s$/.test(w)) missing.add(w);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('types the fields the way libsinsp does where operators depend on it', () => {
    const type = (n: string): string | undefined => SYSCALL_FIELDS.fields.get(n)?.type;
    expect(type('fd.sip')).toBe('ipaddr');
    expect(type('fd.net')).toBe('ipnet');
    expect(type('fd.sport')).toBe('uint');
    expect(type('evt.rawres')).toBe('int');
    expect(type('user.loginuid')).toBe('int');
    expect(type('proc.tty')).toBe('uint');
    expect(type('evt.buffer')).toBe('bytes');
    expect(type('proc.duration')).toBe('reltime');
    expect(SYSCALL_FIELDS.fields.get('proc.aname')?.arg).toEqual({ kind: 'index', required: false });
    expect(SYSCALL_FIELDS.fields.get('proc.env')?.arg).toEqual({ kind: 'key', required: false });
    expect(SYSCALL_FIELDS.fields.get('evt.arg')?.arg).toEqual({ kind: 'dotted-key', required: true });
    expect(SYSCALL_FIELDS.fields.get('container.mount.dest')?.arg).toEqual({ kind: 'key', required: true });
  });
});
