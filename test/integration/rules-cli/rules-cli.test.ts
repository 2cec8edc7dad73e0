import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/program.js';
import type { CliIO } from '../../../cli/context.js';

async function run(...argv: string[]) {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  } satisfies CliIO & { stdout: string; stderr: string };
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'saker-rules-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const LIST_ONLY = file('lists.yaml', `- list: shells\n  items: [bash, sh]\n`);
const EMPTY = file('empty.yaml', `# nothing yet\n`);
const BROKEN = file('broken.yaml', `- macro: spawned\n  condition: evt.type = execve and (\n`);

describe('saker rules validate', () => {
  it('exits 0 and says Ok for a valid file', async () => {
    const { code, stdout } = await run('rules', 'validate', EMPTY);
    expect(code).toBe(0);
    expect(stdout).toBe(`${EMPTY}: Ok\n`);
  });

  it('exits 0 and says Ok, with warnings, listing each warning with file:line:column', async () => {
    const { code, stdout } = await run('rules', 'validate', LIST_ONLY);
    expect(code).toBe(0);
    expect(stdout).toContain(`${LIST_ONLY}: Ok, with warnings\n`);
    expect(stdout).toContain(`${LIST_ONLY}:1:3: warning LOAD_UNUSED_LIST`);
  });

  it('exits 1 and says Invalid with a caret snippet when a file has an error', async () => {
    const { code, stdout } = await run('rules', 'validate', EMPTY, BROKEN);
    expect(code).toBe(1);
    expect(stdout).toContain(`${EMPTY}: Ok\n`);
    expect(stdout).toContain(`${BROKEN}: Invalid\n`);
    expect(stdout).toMatch(new RegExp(`${BROKEN.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: error LOAD_ERR_COMPILE_CONDITION`));
    expect(stdout).toContain('^\n');
  });

  it('prints one Falco-shaped JSON object with --json', async () => {
    const { code, stdout } = await run('rules', 'validate', '--json', LIST_ONLY, BROKEN);
    expect(code).toBe(1);
    const parsed = JSON.parse(stdout) as { falco_load_results: { name: string; successful: boolean; errors: { code: string }[]; warnings: { code: string }[] }[] };
    expect(parsed.falco_load_results.map((r) => [r.name, r.successful])).toEqual([
      [LIST_ONLY, true],
      [BROKEN, false],
    ]);
    expect(parsed.falco_load_results[1]?.errors.map((e) => e.code)).toEqual(['LOAD_ERR_COMPILE_CONDITION']);
    expect(stdout.endsWith('}\n')).toBe(true);
  });

  it('reports a missing file as a load error, not a crash', async () => {
    const missing = join(dir, 'missing.yaml');
    const { code, stdout } = await run('rules', 'validate', '--json', missing);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).falco_load_results[0].errors[0].code).toBe('LOAD_ERR_FILE_READ');
  });

  it('exits 2 without a file', async () => {
    expect((await run('rules', 'validate')).code).toBe(2);
  });
});

describe('saker rules parse', () => {
  it.each([
    ['proc.name=bash and not (fd.name startswith /etc or evt.type in (open,openat))', '(proc.name = bash and not (fd.name startswith /etc or evt.type in (open, openat)))'],
    ['a and b and c', '(a and b and c)'],
    ['my_macro', 'my_macro'],
    ['proc.aname[2] = "my shell"', 'proc.aname[2] = "my shell"'],
  ])('prints the canonical form of %s', async (condition, canonical) => {
    const { code, stdout, stderr } = await run('rules', 'parse', condition);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${canonical}\n`, stderr: '' });
  });

  it('prints line:column: message on stderr and exits 1 on a syntax error', async () => {
    const { code, stdout, stderr } = await run('rules', 'parse', 'proc.name = bash and (');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^1:\d+: .+\n$/);
  });

  it('reports the line of an error in a multi-line condition', async () => {
    const { code, stderr } = await run('rules', 'parse', 'proc.name = bash\nand (');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^2:\d+: /);
  });
});
