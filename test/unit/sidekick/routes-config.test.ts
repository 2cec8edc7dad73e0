import { afterEach, describe, expect, it } from 'vitest';
import { configFiles } from '../../support/config-files.js';
import { ConfigError, loadConfig } from '../../../common/config/index.js';
import type { Alert } from '../../../contract/index.js';
import { routesFromConfig, type Route } from '../../../sidekick/index.js';
import '../../../outputs/index.js'; // loads every output type's code, which routesFromConfig builds from

const configFile = configFiles('saker-routes-');

let built: Route[] = [];
afterEach(async () => {
  await Promise.all(built.map((route) => route.output.close()));
  built = [];
});

function routesOf(file: string, env: Record<string, string> = {}): Route[] {
  built = routesFromConfig(loadConfig({ file, env }));
  return built;
}

function problemsOf(file: string, env: Record<string, string> = {}): { path: string; origin: string; message: string }[] {
  try {
    built = routesFromConfig(loadConfig({ file, env }));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('SAKER_ERR_CONFIG_INVALID');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const alert = (overrides: Partial<Alert>): Alert => ({
  time: '2026-11-22T10:00:00Z',
  rule: 'r',
  priority: 'Warning',
  source: 'syscall',
  hostname: 'h',
  output: '',
  output_fields: {},
  tags: [],
  ...overrides,
});

const TWO_WEBHOOKS = `webhook:
  address: http://127.0.0.1:9/default
outputs:
  instances:
    - type: webhook
      name: hook-prod
      match: k8s.ns.name = prod and priority >= Critical
      address: http://127.0.0.1:9/prod
      minimumpriority: error
    - type: slack
      name: slack-sec
      match: tags contains T1059
      webhookurl: http://127.0.0.1:9/services/x
      dedup:
        window: 60
        fields: [hostname, proc.name]
    - type: sns
      name: sns-eu
      match: source = k8s_audit
      region: eu-west-1
      sns:
        topicarn: arn:aws:sns:eu-west-1:123456789012:falco
        minimumpriority: critical
`;

describe('routes from the config', () => {
  it('builds the default instance of each section and the named instances, each with its own name', () => {
    const routes = routesOf(configFile('two.yaml', TWO_WEBHOOKS));
    expect(routes.map((r) => [r.name, r.output.type])).toEqual([
      ['webhook', 'webhook'],
      ['hook-prod', 'webhook'],
      ['slack-sec', 'slack'],
      ['sns-eu', 'sns'],
    ]);
    expect(routes.map((r) => r.output.name)).toEqual(['webhook', 'hook-prod', 'slack-sec', 'sns-eu']);
    const [, prod, sec, eu] = routes as [Route, Route, Route, Route];
    // SNS keeps minimumpriority in its `sns:` part, as falcosidekick's aws.sns does.
    expect(eu.minimumPriority).toBe('Critical');
    expect(eu.match?.(alert({ source: 'k8s_audit' }))).toBe(true);
    expect(prod.minimumPriority).toBe('Error');
    expect(prod.match?.(alert({ priority: 'Critical', output_fields: { 'k8s.ns.name': 'prod' } }))).toBe(true);
    expect(prod.match?.(alert({ priority: 'Critical', output_fields: { 'k8s.ns.name': 'dev' } }))).toBe(false);
    expect(sec.dedup).toEqual({ windowMs: 60_000, fields: ['hostname', 'proc.name'], maxKeys: 10000 });
  });

  it('compiles match: of a falcosidekick section, from the file or the environment', () => {
    const file = configFile('section-match.yaml', 'slack:\n  webhookurl: http://127.0.0.1:9/s\n  match: source = k8s_audit\n');
    const routes = routesOf(file, { WEBHOOK_ADDRESS: 'http://127.0.0.1:9/w', WEBHOOK_MATCH: 'priority >= Error' });
    const slack = routes.find((r) => r.name === 'slack');
    const webhook = routes.find((r) => r.name === 'webhook');
    expect(slack?.match?.(alert({ source: 'k8s_audit' }))).toBe(true);
    expect(slack?.match?.(alert({ source: 'syscall' }))).toBe(false);
    expect(webhook?.match?.(alert({ priority: 'Error' }))).toBe(true);
    expect(webhook?.match?.(alert({ priority: 'Warning' }))).toBe(false);
  });

  it('stops start-up on a bad match: expression, pointing at the key in the file and the column in the expression', () => {
    const file = configFile('bad-match.yaml', 'slack:\n  webhookurl: http://127.0.0.1:9/s\n  match: "priority >= Urgent"\n');
    expect(problemsOf(file)).toEqual([
      { path: 'slack.match', origin: `${file}:3:3`, message: expect.stringMatching(/unknown priority 'Urgent'.*column 13/) },
    ]);
    expect(problemsOf(file, { SLACK_MATCH: 'proc.name =' })).toEqual([
      expect.objectContaining({ path: 'slack.match', origin: 'environment variable SLACK_MATCH' }),
    ]);
  });

  it('checks each instance against its type\'s section schema, with file positions', () => {
    const file = configFile(
      'bad-instances.yaml',
      `outputs:
  instances:
    - type: webhook
      name: hook-a
      address: http://127.0.0.1:9/a
      timeout: soon
      adress: typo
    - type: webhook
      name: hook-a
      address: http://127.0.0.1:9/b
    - type: webhook
      name: webui
      address: http://127.0.0.1:9/c
    - type: slack
      name: slack-empty
    - type: webhook
      name: hook-match
      address: http://127.0.0.1:9/d
      match: "rule ="
`,
    );
    const problems = problemsOf(file);
    expect(problems).toEqual([
      expect.objectContaining({ path: 'outputs.instances.0.adress', origin: `${file}:7:7`, message: 'unknown key for a webhook output' }),
      expect.objectContaining({ path: 'outputs.instances.0.timeout', origin: `${file}:6:7` }),
      expect.objectContaining({ path: 'outputs.instances.1.name', origin: `${file}:9:7`, message: expect.stringContaining("'hook-a' is already taken") }),
      expect.objectContaining({ path: 'outputs.instances.2.name', origin: `${file}:12:7` }),
      expect.objectContaining({ path: 'outputs.instances.3', origin: `${file}:14:7`, message: expect.stringContaining('no destination') }),
      expect.objectContaining({ path: 'outputs.instances.4.match', origin: `${file}:19:7` }),
    ]);
  });

  it('refuses an instance of a type Saker does not have, or without a name', () => {
    const file = configFile('bad-type.yaml', 'outputs:\n  instances:\n    - type: teams\n      name: t\n    - type: webhook\n      address: http://x\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(ConfigError);
  });
});
