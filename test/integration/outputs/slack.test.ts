import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../support/error-code.js';
import { configLeaves, ConfigSchema, loadConfig } from '../../../common/config/index.js';
import { createOutput, SlackOutput, withSlackRateLimit, type Output, type SendContext } from '../../../outputs/index.js';
import { MALICIOUS_CMDLINE, sampleAlert } from '../../support/peers/sample-alert.js';
import { startSlackServer, type SlackServer } from '../../support/peers/slack-server.js';

const context: SendContext = { signal: new AbortController().signal, log: { debug() {}, warn() {} } };
let slack: SlackServer;
const opened: Output[] = [];
function slackOutput(section: Record<string, unknown>): Output {
  const output = createOutput('slack', { ratelimit: 0, ...section });
  opened.push(output);
  return output;
}

beforeAll(async () => {
  slack = await startSlackServer();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  slack.posted.length = 0;
});
afterAll(async () => {
  await slack.close();
});

const ESCAPED_CMDLINE = 'curl &lt;!channel&gt; &lt;https://evil.example/x|click me&gt; &amp; echo &lt;b&gt;pwned&lt;/b&gt;';

describe('slack output (incoming webhook)', () => {
  it("posts falcosidekick's message layout with every event value escaped", async () => {
    const alert = sampleAlert();
    const output = slackOutput({ webhookurl: slack.webhookUrl, icon: 'https://example.com/saker.png', channel: '#alerts' });
    expect(await output.send([alert], context)).toEqual([{ status: 'ok' }]);
    const escapedOutput = `10:00:00.123456789: Critical A shell was spawned in a container (user=root cmdline=${ESCAPED_CMDLINE})`;
    expect(slack.posted).toEqual([
      {
        via: 'webhook',
        payload: {
          username: 'Saker',
          icon_url: 'https://example.com/saker.png',
          channel: '#alerts',
          attachments: [
            {
              fallback: escapedOutput,
              color: '#ff5400',
              text: escapedOutput,
              footer: 'Saker',
              fields: [
                { title: 'rule', value: 'Terminal shell in container', short: true },
                { title: 'priority', value: 'Critical', short: true },
                { title: 'source', value: 'syscall', short: true },
                { title: 'hostname', value: 'node-1', short: true },
                { title: 'tags', value: 'container, mitre_execution, shell', short: true },
                { title: 'container.id', value: 'abc123def456', short: true },
                { title: 'proc.cmdline', value: ESCAPED_CMDLINE, short: false },
                { title: 'proc.pid', value: '4242', short: true },
                { title: 'user.name', value: 'root', short: true },
                { title: 'time', value: '2026-11-22 10:00:00.123456789 +0000 UTC', short: false },
              ],
            },
          ],
        },
      },
    ]);
    const wire = slack.peer.requests.at(-1)!.body;
    expect(wire).not.toContain('<!channel>');
    expect(wire).not.toContain('<https://evil');
    expect(wire).not.toContain(MALICIOUS_CMDLINE);
  });

  it('honours outputformat text and fields', async () => {
    await slackOutput({ webhookurl: slack.webhookUrl, outputformat: 'text' }).send([sampleAlert()], context);
    await slackOutput({ webhookurl: slack.webhookUrl, outputformat: 'fields' }).send([sampleAlert()], context);
    const [text, fields] = slack.posted.map((p) => (p.payload.attachments as Record<string, unknown>[])[0]!);
    expect(text).toMatchObject({ fields: [], text: expect.stringContaining('A shell was spawned') });
    expect(text).not.toHaveProperty('footer');
    expect(fields).not.toHaveProperty('text');
    expect((fields!.fields as unknown[]).length).toBe(10);
  });

  it('expands messageformat as a safe template, escaping the values but not the operator text', async () => {
    const output = slackOutput({
      webhookurl: slack.webhookUrl,
      messageformat: '<!here> *{{ .Priority }}* {{.Rule}} on {{ .Hostname }}: `{{ index .OutputFields "proc.cmdline" }}` [{{ index .OutputFields "absent" }}]',
    });
    await output.send([sampleAlert()], context);
    expect(slack.posted[0]?.payload.text).toBe(`<!here> *Critical* Terminal shell in container on node-1: \`${ESCAPED_CMDLINE}\` [&lt;NA&gt;]`);
  });

  it('rejects templates that go beyond field access', () => {
    for (const messageformat of ['{{ .Rule | printf "%s" }}', '{{ call .Fn }}', '{{ range .Tags }}x{{ end }}', '{{ .Rule']) {
      expect(errorCodeOf(() => slackOutput({ webhookurl: slack.webhookUrl, messageformat }))).toBe('SAKER_ERR_OUTPUT_TEMPLATE');
    }
  });

  it("truncates text and values to Slack's limits with a marker, never splitting an entity", async () => {
    const long = `${'&'.repeat(6000)}`;
    await slackOutput({ webhookurl: slack.webhookUrl }).send([sampleAlert({ output: long, output_fields: { 'proc.cmdline': long } })], context);
    const attachment = (slack.posted[0]?.payload.attachments as { text: string; fields: { title: string; value: string }[] }[])[0]!;
    expect(attachment.text.length).toBeLessThanOrEqual(4000);
    expect(attachment.text.endsWith('… [truncated]')).toBe(true);
    expect(attachment.text.replace('… [truncated]', '')).toMatch(/^(&amp;)+$/);
    const value = attachment.fields.find((f) => f.title === 'proc.cmdline')!.value;
    expect(value.length).toBeLessThanOrEqual(2000);
    expect(value.endsWith('… [truncated]')).toBe(true);
  });

  it('classifies Slack webhook errors: channel_not_found permanent, 429 with Retry-After and 5xx retryable', async () => {
    const output = slackOutput({ webhookurl: slack.webhookUrl, channel: '#nowhere' });
    const [missing] = await output.send([sampleAlert()], context);
    expect(missing).toMatchObject({ status: 'permanent', reason: expect.stringContaining('channel_not_found') });
    slack.script({ status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' }, { status: 500, body: 'rollup_error' });
    const ok = slackOutput({ webhookurl: slack.webhookUrl });
    expect(await ok.send([sampleAlert()], context)).toEqual([{ status: 'retryable', reason: 'HTTP 429: rate_limited', retryAfterMs: 3000 }]);
    expect((await ok.send([sampleAlert()], context))[0]?.status).toBe('retryable');
  });
});

describe('slack output (bot token, chat.postMessage)', () => {
  it('posts the same message through the Web API to the channel', async () => {
    const alert = sampleAlert({ priority: 'Warning' });
    const output = slackOutput({ token: slack.token, apiurl: slack.apiUrl, channel: '#alerts' });
    expect(await output.send([alert], context)).toEqual([{ status: 'ok' }]);
    expect(slack.posted[0]?.via).toBe('api');
    expect(slack.posted[0]?.payload).toMatchObject({ channel: '#alerts', username: 'Saker', attachments: [{ color: '#ffc700' }] });
    expect(slack.peer.requests.at(-1)?.body).not.toContain(encodeURIComponent('<!channel>'));
  });

  it('reports ok:false platform errors as permanent and 429 with its Retry-After', async () => {
    const [missing] = await slackOutput({ token: slack.token, apiurl: slack.apiUrl, channel: '#gone' }).send([sampleAlert()], context);
    expect(missing).toEqual({ status: 'permanent', reason: 'Slack API: channel_not_found' });
    const [badAuth] = await slackOutput({ token: 'xoxb-wrong', apiurl: slack.apiUrl, channel: '#alerts' }).send([sampleAlert()], context);
    expect(badAuth).toEqual({ status: 'permanent', reason: 'Slack API: invalid_auth' });
    slack.script({ status: 429, headers: { 'retry-after': '12', 'content-type': 'application/json' }, body: '{"ok":false,"error":"ratelimited"}' });
    const [limited] = await slackOutput({ token: slack.token, apiurl: slack.apiUrl, channel: '#alerts' }).send([sampleAlert()], context);
    expect(limited).toMatchObject({ status: 'retryable', retryAfterMs: 12000 });
    expect(slack.posted).toEqual([]);
  });

  it('posts repeats of an alert as replies in the first one\'s thread, within the thread window', async () => {
    let clock = 1_000_000;
    const output = createOutput('slack', { ratelimit: 0, token: slack.token, apiurl: slack.apiUrl, channel: '#alerts', threadwindow: 600 }, 'slack', {
      now: () => clock,
    });
    opened.push(output);
    const repeat = () => sampleAlert({ hostname: 'node-7' });
    await output.send([repeat()], context);
    await output.send([sampleAlert({ hostname: 'node-8' })], context);
    clock += 599_000;
    await output.send([repeat()], context);
    clock += 2_000;
    await output.send([repeat()], context);
    const threads = slack.posted.map((p) => p.payload.thread_ts);
    // The fake answers ts 1795000000.00000N for the Nth accepted message.
    expect(threads).toEqual([undefined, undefined, '1795000000.000001', undefined]);
  });

  it('needs a channel with a token, and a webhook or a token', () => {
    expect(errorCodeOf(() => slackOutput({ token: slack.token }))).toBe('SAKER_ERR_OUTPUT_CONFIG');
    expect(errorCodeOf(() => slackOutput({}))).toBe('SAKER_ERR_OUTPUT_CONFIG');
  });
});

describe('slack rate limit and digest', () => {
  function limited(now: () => number, digest = true) {
    const inner = new SlackOutput(
      { ...(loadConfig({ env: {} }).slack), webhookurl: slack.webhookUrl },
      'slack',
    );
    const output = withSlackRateLimit(inner, { perSecond: 1, digest, now, slots: new Map() });
    opened.push(output);
    return output;
  }

  it('posts at most one message per second per destination and tells the delivery layer how long to wait', async () => {
    let clock = 10_000;
    const output = limited(() => clock);
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    clock += 250;
    expect(await output.send([sampleAlert()], context)).toEqual([
      { status: 'deferred', reason: 'Slack rate limit for this destination', retryAfterMs: 750 },
    ]);
    expect(slack.posted).toHaveLength(1);
    clock += 750;
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
    expect(slack.posted).toHaveLength(2);
  });

  it('turns a backlog into one digest message that acknowledges every alert in it', async () => {
    const output = limited(() => 50_000);
    expect(output.maxBatch).toBeGreaterThanOrEqual(312);
    const second = (i: number) => `2026-11-22T10:00:${String(i % 60).padStart(2, '0')}.000000000Z`;
    const burst = [
      ...Array.from({ length: 312 }, (_, i) => sampleAlert({ time: second(Math.min(i, 58)), hostname: 'web-<1>' })),
      ...Array.from({ length: 5 }, () => sampleAlert({ rule: 'Write below etc', priority: 'Error', hostname: 'db-2' })),
    ];
    const results = await output.send(burst, context);
    expect(results).toHaveLength(317);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(slack.posted).toHaveLength(1);
    const message = slack.posted[0]!.payload;
    expect(message.text).toBe('Digest of 317 alerts (Slack rate limit: grouped instead of posted one by one)');
    expect((message.attachments as { text: string; color: string }[])[0]).toMatchObject({
      color: '#ff5400',
      text:
        '• rule "Terminal shell in container" fired 312 times on host "web-&lt;1&gt;" in the last 58 s (Critical)\n' +
        '• rule "Write below etc" fired 5 times on host "db-2" in the last 0 s (Error)',
    });
  });

  it("waits out Slack's own 429 for everyone posting to that destination", async () => {
    let clock = 90_000;
    const output = limited(() => clock);
    slack.script({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' });
    const before = slack.peer.requests.length;
    expect((await output.send([sampleAlert()], context))[0]).toMatchObject({ status: 'retryable', retryAfterMs: 30_000 });
    clock += 1000;
    expect((await output.send([sampleAlert()], context))[0]).toMatchObject({ status: 'deferred', retryAfterMs: 29_000 });
    expect(slack.peer.requests.length - before).toBe(1);
    clock += 29_000;
    expect(await output.send([sampleAlert()], context)).toEqual([{ status: 'ok' }]);
  });

  it('is applied by the registry from slack.ratelimit, and keys follow falcosidekick env names', () => {
    const names = configLeaves(ConfigSchema).map((l) => l.envName);
    for (const name of ['SLACK_WEBHOOKURL', 'SLACK_FOOTER', 'SLACK_ICON', 'SLACK_USERNAME', 'SLACK_CHANNEL', 'SLACK_OUTPUTFORMAT', 'SLACK_MESSAGEFORMAT', 'SLACK_MINIMUMPRIORITY', 'SLACK_CHECKCERT', 'SLACK_MUTUALTLS']) {
      expect(names).toContain(name);
    }
    const config = loadConfig({ env: { SLACK_WEBHOOKURL: slack.webhookUrl, SLACK_OUTPUTFORMAT: 'fields' } });
    const output = createOutput('slack', config.slack);
    opened.push(output);
    expect(output.maxBatch).toBeGreaterThan(1);
    expect(output).not.toBeInstanceOf(SlackOutput);
    expect(errorCodeOf(() => loadConfig({ env: { SLACK_OUTPUTFORMAT: 'markdown' } }))).toBe('SAKER_ERR_CONFIG_INVALID');
  });
});
