import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../cli/program.js';

const SET = {
  AUTH_BEARERTOKEN: 'ingest-token-123',
  WEBHOOK_ADDRESS: 'http://hooks.local/in',
  WEBHOOK_SIGNINGSECRET: 'hmac-secret-456',
  SLACK_WEBHOOKURL: 'https://hooks.slack.com/services/T000/B000/XXXX',
  CUSTOMFIELDS: 'env:prod',
};

afterEach(() => {
  for (const name of Object.keys(SET)) delete process.env[name];
});

describe('saker sidekick --print-config', () => {
  it('prints the effective config as YAML with every credential masked, and exits 0', async () => {
    Object.assign(process.env, SET);
    let stdout = '';
    const code = await main(['sidekick', '--print-config'], { out: (t) => void (stdout += t), err: () => undefined });
    expect(code).toBe(0);
    for (const secret of ['ingest-token-123', 'hmac-secret-456', 'T000/B000/XXXX']) expect(stdout).not.toContain(secret);
    const printed = parse(stdout) as Record<string, Record<string, unknown>>;
    expect(printed.auth?.bearertoken).toBe('********');
    expect(printed.slack?.webhookurl).toBe('********');
    expect(printed.webhook?.address).toBe('http://hooks.local/in');
    expect(printed.customfields).toEqual({ env: 'prod' });
    expect(printed.listenport).toBe(2801);
  });
});
