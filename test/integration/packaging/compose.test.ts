import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema, configLeaves } from '../../../common/config/index.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
}

/** docker-compose (Debian's, installed by .ci/run) resolves and validates the file as a host would. */
async function resolvedCompose(): Promise<{ services: Record<string, ComposeService> }> {
  const { stdout } = await promisify(execFile)('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    env: { ...process.env, LOGLEVEL: 'debug' },
  });
  return parse(stdout) as { services: Record<string, ComposeService> };
}

describe('docker-compose.yml', () => {
  it('passes docker-compose config and defines the detector and sidekick services', async () => {
    const compose = await resolvedCompose();
    expect(Object.keys(compose.services).sort()).toEqual(['detector', 'sidekick']);
    expect(compose.services.detector?.command).toEqual(['detector']);
    expect(compose.services.sidekick?.command).toEqual(['sidekick']);
  });

  it('sets only environment variables that Saker’s config reads, with .env substitution applied', async () => {
    const known = new Set(configLeaves(ConfigSchema).map((leaf) => leaf.envName));
    const compose = await resolvedCompose();
    for (const service of Object.values(compose.services)) {
      for (const name of Object.keys(service.environment ?? {})) expect(known, `unknown variable ${name}`).toContain(name);
      expect(service.environment?.LOGLEVEL).toBe('debug');
    }
  });
});
