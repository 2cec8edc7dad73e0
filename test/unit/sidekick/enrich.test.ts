import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigError } from '../../../common/config/index.js';
import { buildEnricher } from '../../../sidekick/index.js';
import type { Alert } from '../../../contract/index.js';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    time: '2026-11-22T10:00:00.123456789Z',
    rule: 'Terminal shell in container',
    priority: 'Notice',
    source: 'syscall',
    hostname: 'node-1',
    output: '10:00:00.123456789: Notice A shell was spawned (user=root)',
    output_fields: { 'k8s.ns.name': 'prod', 'proc.aname[2]': 'sshd', 'user.name': 'root' },
    tags: ['shell', 'container'],
    ...overrides,
  };
}

function enricherFrom(env: Record<string, string>, processEnv: Record<string, string> = {}) {
  return buildEnricher(loadConfig({ env }), processEnv);
}

describe('ingest enrichment (falcosidekick semantics)', () => {
  it('adds customfields to output_fields, overriding what the alert had, from file and environment', () => {
    const enrich = enricherFrom({ CUSTOMFIELDS: 'env:prod,region:eu-west-1,user.name:override' });
    expect(enrich(alert()).output_fields).toMatchObject({ env: 'prod', region: 'eu-west-1', 'user.name': 'override', 'k8s.ns.name': 'prod' });
  });

  it('reads a customfields value `%NAME` from environment variable NAME', () => {
    const enrich = enricherFrom({ CUSTOMFIELDS: 'cluster:%CLUSTER_NAME' }, { CLUSTER_NAME: 'blue' });
    expect(enrich(alert()).output_fields.cluster).toBe('blue');
  });

  it('stops start-up when a `%NAME` custom field names an unset variable', () => {
    try {
      enricherFrom({ CUSTOMFIELDS: 'cluster:%NOT_SET_ANYWHERE' });
      throw new Error('expected a config error');
    } catch (error) {
      expect((error as ConfigError).code).toBe('SAKER_ERR_CONFIG_INVALID');
      expect((error as ConfigError).problems[0]?.path).toBe('customfields.cluster');
    }
  });

  it('appends customtags and sorts tags, as falcosidekick does', () => {
    const enrich = enricherFrom({ CUSTOMTAGS: 'team-a,container' });
    expect(enrich(alert()).tags).toEqual(['container', 'shell', 'team-a']);
  });

  it('evaluates templatedfields over output_fields, custom fields included', () => {
    const enrich = buildEnricher(
      Object.assign(loadConfig({ env: { CUSTOMFIELDS: 'env:prod' } }), {
        templatedfields: { where: '{{ index . "k8s.ns.name" }}-{{ .env }}', team: '{{ or (index . "k8s.ns.labels.team") "none" }}' },
      }),
      {},
    );
    expect(enrich(alert()).output_fields).toMatchObject({ where: 'prod-prod', team: 'none' });
  });

  it('replaces brackets in output_fields keys with bracketreplacer', () => {
    const enrich = enricherFrom({ BRACKETREPLACER: '_' });
    const fields = enrich(alert()).output_fields;
    expect(fields['proc.aname_2']).toBe('sshd');
    expect(fields).not.toHaveProperty('proc.aname[2]');
  });

  it('rewrites output with outputfieldformat, trimming empty placeholders', () => {
    const enrich = enricherFrom({
      CUSTOMFIELDS: 'env:prod',
      OUTPUTFIELDFORMAT: '<timestamp>: <priority> <output> <custom_fields> <templated_fields>',
    });
    expect(enrich(alert({ priority: 'Informational', output: '10:00:00.123456789: Informational hello (x=1)' })).output).toBe(
      '10:00:00.123456789: Informational hello (x=1) env=prod',
    );
    // Outputs that are not Falco's line format are left alone.
    expect(enrich(alert({ output: 'free text' })).output).toBe('free text');
  });

  it('gives the test rule the internal source and leaves the input alert untouched', () => {
    const enrich = enricherFrom({ CUSTOMFIELDS: 'env:prod' });
    const input = alert({ rule: 'Test rule' });
    expect(enrich(input).source).toBe('internal');
    expect(input.output_fields).not.toHaveProperty('env');
    expect(input.source).toBe('syscall');
  });

  it('stops start-up on a templated field that does not compile, naming the key', () => {
    const config = Object.assign(loadConfig({ env: {} }), { templatedfields: { bad: '{{ range . }}' } });
    expect(() => buildEnricher(config, {})).toThrow(/templatedfields\.bad/);
  });
});
