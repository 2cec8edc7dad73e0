import { startHttpPeer, type HttpPeer, type RecordedRequest, type ScriptedReply } from './http-peer.js';

/** A message the fake Slack accepted, decoded to the JSON payload Slack would render. */
export interface SlackPosted {
  via: 'webhook' | 'api';
  payload: Record<string, unknown>;
}

/** A local Slack: incoming webhooks under `/services/…` and the Web API's `chat.postMessage` under `/api/`. */
export interface SlackServer {
  peer: HttpPeer;
  /** Incoming-webhook URL that posts to the default channel. */
  webhookUrl: string;
  /** Base URL for `slackApiUrl`. */
  apiUrl: string;
  /** The bot token `chat.postMessage` accepts. */
  token: string;
  /** Messages accepted so far, in order. */
  posted: SlackPosted[];
  /** Replies for the next requests, before normal handling (e.g. a 429 with `Retry-After`). */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

const WEBHOOK_PATH = '/services/T0SAKER/B0SAKER/xyzzy';

/** Decodes a Web API body: JSON, or form-encoded with nested values as JSON text (what @slack/web-api sends). */
function decodeApiBody(request: RecordedRequest): Record<string, unknown> {
  if (String(request.headers['content-type']).startsWith('application/json')) return JSON.parse(request.body) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(request.body)) {
    out[key] = /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
  }
  return out;
}

const json = (body: unknown, status = 200): ScriptedReply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Starts the fake Slack. Behaves like Slack where Saker can notice: webhooks answer `ok` or a text error
 * with a 4xx (`invalid_payload`, `no_text`); the Web API answers HTTP 200 with `{ok:false,error}` for
 * `invalid_auth`, `not_authed`, `channel_not_found`; 429s come with `Retry-After` (scripted).
 */
export async function startSlackServer(options: { channels?: string[] } = {}): Promise<SlackServer> {
  const channels = new Set(options.channels ?? ['#alerts', 'C0ALERTS']);
  const token = 'xoxb-saker-test-token';
  const posted: SlackPosted[] = [];
  const peer = await startHttpPeer((request) => {
    if (request.method !== 'POST') return { status: 405, body: 'method_not_allowed' };
    if (request.path === WEBHOOK_PATH) {
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(request.body) as Record<string, unknown>;
      } catch {
        return { status: 400, body: 'invalid_payload' };
      }
      if (!payload.text && !Array.isArray(payload.attachments) && !Array.isArray(payload.blocks)) return { status: 400, body: 'no_text' };
      if (typeof payload.channel === 'string' && !channels.has(payload.channel)) return { status: 404, body: 'channel_not_found' };
      posted.push({ via: 'webhook', payload });
      return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
    }
    if (request.path === '/api/chat.postMessage') {
      const auth = request.headers.authorization;
      if (!auth) return json({ ok: false, error: 'not_authed' });
      if (auth !== `Bearer ${token}`) return json({ ok: false, error: 'invalid_auth' });
      const payload = decodeApiBody(request);
      delete payload.token;
      if (typeof payload.channel !== 'string' || !channels.has(payload.channel)) return json({ ok: false, error: 'channel_not_found' });
      posted.push({ via: 'api', payload });
      return json({ ok: true, channel: 'C0ALERTS', ts: `1795000000.${String(posted.length).padStart(6, '0')}`, message: payload });
    }
    return { status: 404, body: 'no_service' };
  });
  return {
    peer,
    webhookUrl: `${peer.url}${WEBHOOK_PATH}`,
    apiUrl: `${peer.url}/api/`,
    token,
    posted,
    script: (...replies) => peer.script(...replies),
    close: () => peer.close(),
  };
}
