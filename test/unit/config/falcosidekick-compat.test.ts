import { describe, expect, it } from 'vitest';
import { configFiles, configProblemsOf } from '../../support/config-files.js';
import { configOrigin, configWarnings, loadConfig } from '../../../common/config/index.js';

const configFile = configFiles('saker-config-compat-');
const problemsOf = configProblemsOf;

/** A falcosidekick config.yaml as users write it: viper reads its keys in any case. */
const FALCOSIDEKICK_FILE = `ListenPort: 2901
Debug: false
customFields:
  Akey: "AValue"
outputFieldFormat: "<timestamp>: <priority> <output> <custom_fields>"
Slack:
  WebhookURL: "https://hooks.slack.com/services/T0/B0/x"
  MinimumPriority: "error"
  OutputFormat: "text"
AWS:
  Region: "eu-west-1"
  SNS:
    TopicArn: "arn:aws:sns:eu-west-1:123456789012:falco"
    RawJSON: true
  Lambda:
    FunctionName: ""
  sqs:
    url: ""
teams:
  webhookurl: ""
Discord:
  webhookurl: ""
elasticsearch:
  hostport: ""
webhook:
  Address: "http://127.0.0.1:9/hook"
  customHeaders:
    X-Api-Key: "secret"
webui:
  url: ""
`;

describe('falcosidekick config files', () => {
  it('reads the keys of falcosidekick sections in any case, keeping the case of map keys', () => {
    const config = loadConfig({ file: configFile('falcosidekick.yaml', FALCOSIDEKICK_FILE), env: {} });
    expect(config.listenport).toBe(2901);
    expect(config.slack).toMatchObject({ webhookurl: 'https://hooks.slack.com/services/T0/B0/x', minimumpriority: 'error', outputformat: 'text' });
    expect(config.aws).toMatchObject({ region: 'eu-west-1', sns: { topicarn: 'arn:aws:sns:eu-west-1:123456789012:falco', rawjson: true } });
    expect(config.outputfieldformat).toBe('<timestamp>: <priority> <output> <custom_fields>');
    expect(config.webhook.address).toBe('http://127.0.0.1:9/hook');
    // Map keys are data (field names, header names): their case is kept.
    expect(config.customfields).toEqual({ Akey: 'AValue' });
    expect(config.webhook.customheaders).toEqual({ 'X-Api-Key': 'secret' });
  });

  it('warns about the falcosidekick outputs Saker does not implement, naming them, instead of failing', () => {
    const config = loadConfig({ file: configFile('falcosidekick-warn.yaml', FALCOSIDEKICK_FILE), env: {} });
    const warnings = configWarnings(config);
    expect(warnings).toHaveLength(1);
    const [warning = ''] = warnings;
    for (const name of ['teams', 'Discord', 'elasticsearch', 'aws.Lambda', 'aws.sqs', 'webui.url']) expect(warning).toContain(name);
    expect(warning).not.toContain('slack');
  });

  it('still refuses keys that are neither Saker\'s nor falcosidekick\'s, pointing at them in the file', () => {
    const file = configFile('typo.yaml', 'Slack:\n  WebhookURLL: "x"\nnosuchoutput:\n  enabled: true\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'slack.WebhookURLL', message: 'unknown key', origin: `${file}:2:3` }),
        expect.objectContaining({ path: 'nosuchoutput', message: 'unknown key', origin: `${file}:3:1` }),
      ]),
    );
  });

  it('points at a mis-typed value under a key written in another case', () => {
    const file = configFile('badtype.yaml', 'Webhook:\n  Address: "http://x"\n  Timeout: soon\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([expect.objectContaining({ path: 'webhook.timeout', origin: `${file}:3:3` })]);
  });

  it('refuses a key given twice in different cases', () => {
    const file = configFile('clash.yaml', 'slack:\n  webhookurl: "a"\nSlack:\n  webhookurl: "b"\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([{ path: 'slack', message: 'given twice, in different letter cases', origin: `${file}:3:1` }]);
  });

  it('keeps falco.yaml keys of the detector section case-sensitive', () => {
    const file = configFile('detector-case.yaml', 'detector:\n  Rules_Files: [a.yaml]\n');
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual([expect.objectContaining({ path: 'detector.Rules_Files', message: 'unknown key' })]);
  });

  it('tells where each value came from, for checks made after loading', () => {
    const file = configFile('origin.yaml', 'slack:\n  webhookurl: "https://x"\n  match: "priority >= Critical"\n');
    const config = loadConfig({ file, env: { WEBHOOK_MATCH: 'rule = x' } });
    expect(configOrigin(config, ['slack', 'match'])).toBe(`${file}:3:3`);
    expect(configOrigin(config, ['webhook', 'match'])).toBe('environment variable WEBHOOK_MATCH');
  });

  it('reads named output instances from the environment as JSON', () => {
    const config = loadConfig({ env: { OUTPUTS_INSTANCES: '[{"type":"webhook","name":"hook-2","address":"http://127.0.0.1:9/"}]' } });
    expect(config.outputs.instances).toEqual([expect.objectContaining({ type: 'webhook', name: 'hook-2', address: 'http://127.0.0.1:9/' })]);
    const problems = problemsOf(() => loadConfig({ env: { OUTPUTS_INSTANCES: 'type=webhook' } }));
    expect(problems).toEqual([expect.objectContaining({ path: 'outputs.instances', origin: 'environment variable OUTPUTS_INSTANCES' })]);
  });
});
