import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FieldTable } from '../../../detector/engine/fields.js';
import { CLOUDTRAIL_FIELDS } from '../../../detector/fields/cloudtrail/index.js';
import { K8S_AUDIT_FIELDS } from '../../../detector/fields/k8s_audit/index.js';
import type { JsonEvent } from '../../../detector/sources/json-event.js';

const RULES_DIR = new URL('../../../../shared/falco-rules/', import.meta.url);

// Field classes each file may use (image names such as public.ecr.aws must not count as fields).
const CLASSES: Record<string, string> = {
  'k8s_audit_rules.yaml': 'ka|jevt|json',
  'aws_cloudtrail_rules.yaml': 'ct|s3|ec2|ecr|jevt|json|evt',
};

/** Every plugin field reference in a rules file: conditions and `%field` in outputs alike. */
function fieldRefs(file: string): { name: string; arg: string | undefined }[] {
  const text = readFileSync(new URL(file, RULES_DIR), 'utf8');
  const FIELD_REF = new RegExp(`\\b((?:${CLASSES[file] ?? ''})\\.[A-Za-z0-9_.]*[A-Za-z0-9_])(?:\\[([^\\]]*)\\])?`, 'g');
  const seen = new Map<string, { name: string; arg: string | undefined }>();
  for (const m of text.matchAll(FIELD_REF)) {
    const name = m[1] ?? '';
    seen.set(`${name}[${m[2] ?? ''}]`, { name, arg: m[2] });
  }
  return [...seen.values()];
}

function checkAll(table: FieldTable<JsonEvent>, file: string): string[] {
  const problems: string[] = [];
  for (const { name, arg } of fieldRefs(file)) {
    const spec = table.fields.get(name);
    if (spec === undefined) {
      problems.push(`${name}: not in the ${table.source} table`);
      continue;
    }
    const argOk =
      spec.arg.kind === 'none' ? arg === undefined : arg !== undefined || !('required' in spec.arg && spec.arg.required);
    if (!argOk) problems.push(`${name}: argument ${arg ?? '(none)'} does not fit ${spec.arg.kind}`);
    else expect(() => spec.bind(arg)).not.toThrow();
  }
  return problems;
}

describe('the official Falco plugin rules files only use fields Saker provides', () => {
  it('k8s_audit_rules.yaml: every ka.* / jevt.* field exists with a fitting argument', () => {
    expect(fieldRefs('k8s_audit_rules.yaml').length).toBeGreaterThanOrEqual(40);
    expect(checkAll(K8S_AUDIT_FIELDS, 'k8s_audit_rules.yaml')).toEqual([]);
  });

  it('aws_cloudtrail_rules.yaml: every ct.* / s3.* / json.* field exists with a fitting argument', () => {
    expect(fieldRefs('aws_cloudtrail_rules.yaml').length).toBeGreaterThan(25);
    expect(checkAll(CLOUDTRAIL_FIELDS, 'aws_cloudtrail_rules.yaml')).toEqual([]);
  });

  it('the tables declare the plugin sources and no syscall event types', () => {
    expect(K8S_AUDIT_FIELDS.source).toBe('k8s_audit');
    expect(CLOUDTRAIL_FIELDS.source).toBe('aws_cloudtrail');
    expect(K8S_AUDIT_FIELDS.eventTypes.size).toBe(0);
    expect(CLOUDTRAIL_FIELDS.eventTypes.size).toBe(0);
  });
});
