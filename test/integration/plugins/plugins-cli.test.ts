import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../cli/program.js';
import type { CliIO } from '../../../cli/context.js';
import { testPlugin, writeSetup } from './support.js';

/* `saker plugins list` through the real command line parser, honouring --config. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) } satisfies CliIO & Record<string, unknown>;
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function configWith(detector: Record<string, unknown>): string {
  const { dir, configFile } = writeSetup('[]\n', (dataDir) => ({ datadir: dataDir, detector }));
  dirs.push(dir);
  return configFile;
}

interface Listed {
  plugins: { name: string; version: string; builtin: boolean; configured: boolean; source?: string; extract_sources: string[]; fields: { name: string; type: string; arg: string }[] }[];
  failed: { name: string; code: string }[];
}

describe('saker plugins list', () => {
  it('lists the built-in plugins with their versions, sources and fields when nothing is configured', async () => {
    const { code, stdout } = await run('plugins', 'list', '--json', '--config', configWith({}));
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as Listed;
    expect(listed.plugins.map((p) => [p.name, p.version, p.source ?? null, p.builtin, p.configured])).toEqual([
      ['k8saudit', '0.18.0', 'k8s_audit', true, false],
      ['cloudtrail', '0.10.0', 'aws_cloudtrail', true, false],
      ['json', '0.7.0', null, true, false],
    ]);
    const json = listed.plugins.find((p) => p.name === 'json');
    expect(json?.extract_sources).toEqual(['k8s_audit', 'aws_cloudtrail']);
    expect(json?.fields.find((f) => f.name === 'json.value')).toMatchObject({ type: 'string', arg: 'key (required)' });
    expect(listed.plugins[0]?.fields.find((f) => f.name === 'ka.verb')).toMatchObject({ type: 'string', arg: 'none' });
  });

  it('adds the configured plugins, selected by load_plugins, and prints them as falco --list-plugins does', async () => {
    const config = configWith({
      plugins: [
        { name: 'dummy', library: testPlugin('dummy.ts') },
        { name: 'faulty', library: testPlugin('faulty.ts') },
        { name: 'k8saudit', library_path: 'libk8saudit.so', open_params: 'http://:9765/k8s-audit' },
      ],
      load_plugins: ['dummy', 'k8saudit'],
    });
    const { code, stdout } = await run('plugins', 'list', '--config', config);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^4 Plugins Loaded:\n/);
    expect(stdout).toContain(
      [
        'Name: dummy',
        'Description: Counter events for tests',
        'Contact: saker tests',
        'Version: 0.1.0',
        `Origin: ${testPlugin('dummy.ts')} (configured)`,
        'Capabilities:',
        "  - Event Sourcing (source='dummy')",
        '  - Field Extraction (sources: dummy)',
        'Fields (4):',
        '  dummy.value (uint64)  The counter value',
      ].join('\n'),
    );
    expect(stdout).toContain('  dummy.label (string, arg: key (required))  The value with a prefix');
    expect(stdout).toContain('  dummy.divisors (uint64 list)  The divisors');
    expect(stdout).toContain('Origin: built in (configured)');
    expect(stdout).not.toContain('Name: faulty');
  });

  it('reports a plugin that fails to load by name and exits 1; an empty load_plugins loads none of the configured ones', async () => {
    const broken = await run('plugins', 'list', '--json', '--config', configWith({ plugins: [{ name: 'initfails', library: testPlugin('throws-in-init.ts') }] }));
    expect(broken.code).toBe(1);
    expect((JSON.parse(broken.stdout) as Listed).failed).toEqual([expect.objectContaining({ name: 'initfails', code: 'SAKER_ERR_PLUGIN_LOAD' })]);

    const none = await run('plugins', 'list', '--json', '--config', configWith({ plugins: [{ name: 'dummy', library: testPlugin('dummy.ts') }], load_plugins: [] }));
    expect(none.code).toBe(0);
    expect((JSON.parse(none.stdout) as Listed).plugins.map((p) => p.name)).toEqual(['k8saudit', 'cloudtrail', 'json']);
  });

  it('refuses a load_plugins name without a plugins entry, with Falco’s message', async () => {
    const { code, stderr } = await run('plugins', 'list', '--config', configWith({ load_plugins: ['nosuch'] }));
    expect(code).toBe(1);
    expect(stderr).toContain("Cannot load plugin 'nosuch': plugin config not found for given name");
  });
});
