import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLoadReport, loadRules } from '../../../../detector/engine/loader/index.js';
import { TABLES, fileJson, load, rule, summary } from './helpers.js';

describe('load results in Falco shape', () => {
  it('serializes exactly as falco -V --json does, keys in sorted order', () => {
    const out = load(`- list: l\n  items: [a]\n`);
    expect(JSON.stringify(out.result)).toBe(
      '{"falco_load_results":[{"errors":[],"name":"rules1.yaml","successful":true,"warnings":[{"code":"LOAD_UNUSED_LIST","codedesc":"A list is defined in the rules content but is not used by any other list, macro, or rule.","context":{"locations":[{"item_name":"","item_type":"rules content","position":{"column":0,"line":0,"name":"rules1.yaml","offset":0}},{"item_name":"l","item_type":"list","position":{"column":2,"line":0,"name":"rules1.yaml","offset":2}}],"snippet":"- list: l\\n  ^\\n"},"message":"List not referred to by any other rule/macro"}]}]}',
    );
  });

  it("gives errors Falco's short codedesc and warnings its long one", () => {
    const out = load(`- macro: m\n`);
    expect(fileJson(out).errors[0]).toMatchObject({
      code: 'LOAD_ERR_YAML_VALIDATE',
      codedesc: 'Error validating internal structure of YAML file',
      message: "Item has no mapping for key 'condition'",
    });
  });

  it('places a condition syntax error at its file line and column, inside a folded condition', () => {
    const out = load(`- rule: r\n  desc: d\n  condition: >\n    evt.type = execve and\n    proc.name = (\n  output: o\n  priority: INFO\n`);
    const error = fileJson(out).errors[0];
    expect(error?.code).toBe('LOAD_ERR_COMPILE_CONDITION');
    expect(error?.context.locations.map((l) => l.item_type)).toEqual(['rules content', 'rule', 'rule condition', 'condition expression']);
    // YAML locations are 0-based like yaml-cpp's marks; the condition expression is 1-based like Falco's sum.
    expect(error?.context.locations[2]?.position).toEqual({ column: 13, line: 2, name: 'rules1.yaml', offset: 33 });
    expect(error?.context.locations[3]?.position).toMatchObject({ line: 5, column: 17, name: '"evt.type = execve..."' });
    expect(error?.context.snippet).toBe(`evt.type = execve and proc.name = (\n${' '.repeat(34)}^\n`);
  });

  it('places errors in an appended condition in the file that appended it', () => {
    const out = load(rule('r', 'evt.type = execve'), `- rule: r\n  condition: and proc.name =\n  override:\n    condition: append\n`);
    const error = fileJson(out, 1).errors[0];
    expect(error?.code).toBe('LOAD_ERR_COMPILE_CONDITION');
    // The value is missing: the error is just past the `=` that ends the appended text.
    expect(error?.context.locations.at(-1)?.position).toMatchObject({ line: 2, column: 29 });
    expect(formatLoadReport(out.result)).toContain('rules2.yaml:2:29: error LOAD_ERR_COMPILE_CONDITION');
  });

  it.each([
    ['LOAD_ERR_YAML_PARSE', `- rule: [\n`, { line: 1, column: 0 }],
    ['LOAD_ERR_YAML_VALIDATE', `- rule: r\n  condition: [a]\n  desc: d\n  output: o\n  priority: INFO\n`, { line: 1, column: 13 }],
    ['LOAD_ERR_VALIDATE', `- list: l\n  items: [a]\n- list: m\n  items: [b]\n  override:\n    items: append\n`, { line: 2, column: 2 }],
  ])('reports %s at its position', (code, content, position) => {
    const out = load(content);
    const error = fileJson(out).errors[0];
    expect(error?.code).toBe(code);
    expect(error?.context.locations.at(-1)?.position).toMatchObject(position);
  });

  it('stops reading a file at its first error, keeping what came before', () => {
    const out = load(`- list: a\n  items: [x]\n- macro: broken\n- list: b\n  items: [y]\n`);
    expect(summary(out)).toEqual({ errors: ['LOAD_ERR_YAML_VALIDATE'], warnings: [] });
    expect(out.result.successful).toBe(false);
    expect(out.rules).toEqual([]);
  });

  it('warns about unknown top-level items and unknown keys, at the key', () => {
    const out = load(`- nonsense: 1\n${rule('r', 'evt.type = execve', '  priorty: high\n')}`);
    const warnings = fileJson(out).warnings;
    expect(warnings.map((w) => w.code)).toEqual(['LOAD_UNKNOWN_ITEM', 'LOAD_UNKNOWN_KEY']);
    expect(warnings[1]?.message).toContain("'priorty'");
    expect(warnings[1]?.context.locations.at(-1)?.position).toMatchObject({ line: 6, column: 2 });
  });

  it('warns about an unsafe <NA> comparison on k8s audit fields', () => {
    const out = load(rule('r', 'ka.req.pod.containers.image intersects (<NA>)', '  source: k8s_audit\n'));
    expect(summary(out)).toEqual({ errors: [], warnings: ['LOAD_UNSAFE_NA_CHECK'] });
  });

  it.each([
    ['10', []],
    ['0.57.0', []],
    ['0.56.2', []],
  ])('accepts required_engine_version %s', (version, errors) => {
    expect(summary(load(`- required_engine_version: ${version}\n`)).errors).toEqual(errors);
  });

  it.each([
    ['0.58.0', 'LOAD_ERR_VALIDATE', 'Rules require engine version 0.58.0, but engine version is 0.57.0'],
    ['1.0.0', 'LOAD_ERR_VALIDATE', 'Rules require engine version 1.0.0, but engine version is 0.57.0'],
    ['99', 'LOAD_ERR_VALIDATE', 'Rules require engine version 0.99.0, but engine version is 0.57.0'],
    ['banana', 'LOAD_ERR_YAML_VALIDATE', 'Unable to parse engine version \'banana\' as a semver string. Expected "x.y.z" semver format.'],
  ])('rejects required_engine_version %s', (version, code, message) => {
    const error = fileJson(load(`- required_engine_version: ${version}\n`)).errors[0];
    expect(error).toMatchObject({ code, message });
  });

  it("meets container, json, cloudtrail and k8saudit* plugin requirements with Saker's built-ins only", () => {
    const builtIn = `- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n  - name: k8saudit-eks\n    version: 0.12.0\n  - name: json\n    version: 0.7.0\n  - name: cloudtrail\n    version: 0.10.0\n`;
    expect(summary(load(builtIn)).errors).toEqual([]);
    const other = load(`- required_plugin_versions:\n  - name: okta\n    version: 0.1.0\n`);
    expect(summary(other).errors).toEqual(['LOAD_ERR_VALIDATE']);
    const alternative = load(`- required_plugin_versions:\n  - name: okta\n    version: 0.1.0\n    alternatives:\n      - name: json\n        version: 0.7.0\n`);
    expect(summary(alternative).errors).toEqual([]);
  });

  it('loads several files in order into one collection, each with its own result', () => {
    const out = load(`- macro: spawned\n  condition: evt.type = execve\n`, rule('r', 'spawned'));
    const [first, second] = out.result.toJSON().falco_load_results;
    // Falco compiles after every file: the macro is unused after the first, used after the second.
    expect(first?.warnings.map((w) => w.code)).toEqual(['LOAD_UNUSED_MACRO']);
    expect(second?.warnings).toEqual([]);
    expect(out.rules.map((r) => r.name)).toEqual(['r']);
  });

  it('skips the compile of a file that did not read, and reports later files against what was collected', () => {
    const out = load(`- macro: m\n  condition: evt.type = execve\n- list: broken\n`, rule('r', 'm'));
    expect(out.result.files.map((f) => f.successful)).toEqual([false, true]);
    expect(out.result.successful).toBe(false);
    expect(out.rules).toEqual([]);
  });
});

describe('text report', () => {
  it('says Ok, Ok with warnings or Invalid per file, with file:line:column and a caret snippet', () => {
    const out = load(rule('r', 'evt.type = execve'), `- list: l\n  items: [a]\n`, `- macro: m\n`);
    const report = formatLoadReport(out.result);
    expect(report).toContain('rules1.yaml: Ok\n');
    expect(report).toContain('rules2.yaml: Ok, with warnings\n');
    expect(report).toContain('rules2.yaml:1:3: warning LOAD_UNUSED_LIST (Unused list): List not referred to by any other rule/macro\n');
    expect(report).toContain('rules3.yaml: Invalid\n');
    expect(report).toContain(
      "rules3.yaml:1:3: error LOAD_ERR_YAML_VALIDATE (Error validating internal structure of YAML file): Item has no mapping for key 'condition'\n    in macro 'm'\n    | - macro: m\n    |   ^\n",
    );
  });
});

describe('files on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saker-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files by path and reports an unreadable one as LOAD_ERR_FILE_READ', () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, rule('r', 'evt.type = execve'));
    const out = loadRules([good, join(dir, 'missing.yaml')], { fieldTables: TABLES });
    expect(out.result.files.map((f) => [f.name, f.successful])).toEqual([
      [good, true],
      [join(dir, 'missing.yaml'), false],
    ]);
    expect(fileJson(out, 1).errors[0]).toMatchObject({ code: 'LOAD_ERR_FILE_READ', codedesc: 'File read error' });
  });
});
