import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema, configLeaves } from '../../../common/config/index.js';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

type Compose = { services: Record<string, ComposeService> };

/** docker-compose (Debian's, installed by .ci/run) resolves and validates the file as a host would. */
async function resolvedCompose(args: string[] = [], env: Record<string, string> = {}): Promise<Compose> {
  const { stdout } = await promisify(execFile)('docker-compose', ['-f', 'docker-compose.yml', ...args, 'config'], {
    env: { ...process.env, LOGLEVEL: 'debug', ...env },
  });
  return parse(stdout) as Compose;
}

/** The services that run Saker's image (the `kafka` profile adds Apache Kafka's own). */
const sakerServices = (compose: Compose): ComposeService[] => Object.values(compose.services).filter((s) => s.image === 'saker:latest');

describe('docker-compose.yml', () => {
  it('passes docker-compose config and defines the detector and sidekick services', async () => {
    const compose = await resolvedCompose();
    expect(Object.keys(compose.services).sort()).toEqual(['detector', 'kafka', 'sidekick']);
    expect(compose.services.kafka?.profiles).toEqual(['kafka']);
    expect(compose.services.detector?.command).toEqual(['detector']);
    expect(compose.services.sidekick?.command).toEqual(['sidekick']);
  });

  it('sets only environment variables that Saker’s config reads (or Node’s NODE_OPTIONS), with .env substitution applied', async () => {
    // NODE_OPTIONS: the sidekick's V8 young-generation cap (README "Memory"), read by node itself.
    const known = new Set([...configLeaves(ConfigSchema).map((leaf) => leaf.envName), 'NODE_OPTIONS']);
    const compose = await resolvedCompose();
    for (const service of sakerServices(compose)) {
      for (const name of Object.keys(service.environment ?? {})) expect(known, `unknown variable ${name}`).toContain(name);
      expect(service.environment?.LOGLEVEL).toBe('debug');
    }
  });

  it('documents in .env.example every variable the compose file substitutes, and only Saker’s or compose’s own', () => {
    const known = new Set([...configLeaves(ConfigSchema).map((leaf) => leaf.envName), 'COMPOSE_PROFILES']);
    const substituted = new Set([...readFileSync('docker-compose.yml', 'utf8').matchAll(/\$\{(\w+)/g)].map((m) => m[1]));
    const documented = new Set([...readFileSync('.env.example', 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...substituted].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !known.has(name!))).toEqual([]);
  });

  it('restarts every service and starts the detector only once the sidekick’s health check passes', async () => {
    const compose = await resolvedCompose();
    for (const [name, service] of Object.entries(compose.services)) expect(service.restart, name).toBe('unless-stopped');
    expect(compose.services.detector?.depends_on).toEqual({ sidekick: { condition: 'service_healthy' } });
    expect(compose.services.sidekick?.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:2801/healthz');
    expect(compose.services.detector?.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:8765/healthz');
    expect(compose.services.detector?.environment?.DETECTOR_WEBSERVER_ENABLED).toBe('true');
  });

  it('leaves Kafka off by default and, with .env.example’s two Kafka lines uncommented, points the sidekick at the KRaft broker', async () => {
    const plain = await resolvedCompose();
    expect(plain.services.sidekick?.environment?.KAFKA_HOSTPORT).toBe('');

    const dir = mkdtempSync(join(tmpdir(), 'saker-compose-env-'));
    const envFile = join(dir, '.env');
    writeFileSync(envFile, readFileSync('.env.example', 'utf8').replace(/^# (COMPOSE_PROFILES|KAFKA_HOSTPORT)=/gm, '$1='));
    let compose: Compose;
    try {
      compose = await resolvedCompose(['--env-file', envFile]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(compose.services.sidekick?.environment?.KAFKA_HOSTPORT).toBe('kafka:9092');
    const kafka = compose.services.kafka;
    expect(kafka?.image).toMatch(/^apache\/kafka:/);
    expect(kafka?.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093' });
    expect(kafka?.environment?.KAFKA_ADVERTISED_LISTENERS).toContain(`PLAINTEXT://${compose.services.sidekick?.environment?.KAFKA_HOSTPORT}`);
    expect(kafka?.healthcheck?.test).toContain('localhost:9092');
  });
});
