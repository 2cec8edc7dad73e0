import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../detector/engine/loader/index.js';
import { FIELD_TABLES } from '../../../detector/fields/index.js';

const dir = fileURLToPath(new URL('../../../../shared/falco-rules/', import.meta.url));

describe("Falco's official rules files", () => {
  it.each([
    [['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'], 25 + 31 + 37, 'syscall'],
    [['k8s_audit_rules.yaml'], 48, 'k8s_audit'],
    [['aws_cloudtrail_rules.yaml'], 22, 'aws_cloudtrail'],
  ])('%j load with zero errors, every rule compiled', (files, count, source) => {
    const { result, rules } = loadRules(
      files.map((f) => `${dir}${f}`),
      { fieldTables: FIELD_TABLES },
    );
    const errors = result.toJSON().falco_load_results.flatMap((f) => f.errors.map((e) => `${f.name}: ${e.code} ${e.message}`));
    expect(errors).toEqual([]);
    expect(rules).toHaveLength(count);
    expect(new Set(rules.map((r) => r.source))).toEqual(new Set([source]));
  });
});
