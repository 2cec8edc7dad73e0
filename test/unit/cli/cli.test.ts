import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/program.js';
import type { CliIO } from '../../../cli/context.js';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

async function run(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('saker CLI', () => {
  it('lists every subcommand in --help and exits 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    for (const name of ['run', 'detector', 'sidekick', 'rules', 'replay', 'plugins', 'demo', 'version']) {
      expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });

  it.each([['run'], ['detector'], ['sidekick'], ['rules', 'validate'], ['rules', 'parse'], ['replay'], ['plugins', 'list'], ['demo'], ['version']])(
    'has --help on %s',
    async (...names) => {
      const { code, stdout } = await run(...names, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: saker ${names.join(' ')}`);
    },
  );

  it.each([
    ['no arguments', []],
    ['an unknown command', ['bogus']],
    ['an unknown option', ['version', '--bogus']],
    ['a missing argument', ['rules', 'parse']],
    ['a missing required option', ['replay']],
    ['a bad log level', ['sidekick', '--log-level', 'loud']],
  ])('exits 2 on %s', async (_label, argv) => {
    const { code, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).not.toBe('');
  });

  it('prints versions as text and JSON', async () => {
    const text = await run('version');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^saker \d+\.\d+\.\d+\nrules engine 0\.57\.0/);
    const json = await run('version', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ saker: expect.any(String), engine: '0.57.0', alert_schema: '1.0.0' });
  });

  it('stops a service with exit 1 and the bad key when the config is invalid', async () => {
    process.env.LISTENPORT = 'not-a-port';
    try {
      const { code, stderr } = await run('sidekick');
      expect(code).toBe(1);
      expect(stderr).toContain('environment variable LISTENPORT: listenport');
    } finally {
      delete process.env.LISTENPORT;
    }
  });
});

describe('the built binary', () => {
  it('runs as `npx saker --help` after install', async () => {
    const { stdout } = await promisify(execFile)('npx', ['saker', '--help']);
    expect(stdout).toContain('Usage: saker');
  });
});
