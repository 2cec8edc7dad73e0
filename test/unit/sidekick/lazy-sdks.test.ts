import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The SDKs a sidekick process has loaded after importing everything `saker sidekick` imports and
 * compiling a `match:` expression (which reads the detector's field tables), in a fresh process:
 * packages are CommonJS, so they show in the require cache however they were imported.
 */
function sdksLoaded(): string[] {
  const script = `
    import { createRequire } from 'node:module';
    const { routesFromConfig } = await import('./sidekick/index.ts');
    const { loadConfig } = await import('./common/config/index.ts');
    routesFromConfig(loadConfig({ env: { DATADIR: '/nonexistent' } }));
    const { compileMatch } = await import('./sidekick/routing/match-expression.ts');
    compileMatch('priority >= Critical and output_fields[k8s.ns.name] = payments');
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const sdks = ['@aws-sdk/', '@smithy/', 'kafkajs', '@slack/', '@grpc/'].filter((sdk) => loaded.some((file) => file.includes('/node_modules/' + sdk)));
    console.log(JSON.stringify(sdks));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('what a sidekick loads at start', () => {
  it('loads no output or cloud SDK, nor gRPC, its config does not use: each costs MBs of resident memory', () => {
    expect(sdksLoaded()).toEqual([]);
  });
});
