import { LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { stringifyJson, type Alert } from '../../contract/index.js';
import { SakerError } from '../../common/errors.js';
import { withTimeout } from '../../common/abort.js';
import type { OutputCreateOptions } from '../create-options.js';
import { OUTPUT_ERROR_CODES } from '../errors.js';
import type { DeliveryResult, Output, SendContext } from '../output.js';
import { resultForHttpStatus, resultForTransportError } from '../results.js';
import { compileTemplate, type AlertTemplate } from '../template.js';
import { loadTlsOptions } from '../tls.js';
import { USER_AGENT } from '../user-agent.js';
import type { SlackConfig } from './config.js';
import { slackDigest } from './digest.js';
import { slackMessage, type SlackMessage } from './payload.js';

/** Web API errors that say "try again later" rather than "this request is wrong". */
const RETRYABLE_PLATFORM_ERRORS: ReadonlySet<string> = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

function resultForWebApiError(error: unknown): DeliveryResult {
  const e = error as WebAPICallError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { status: 'retryable', reason: 'Slack API 429 ratelimited', retryAfterMs: e.retryAfter * 1000 };
    case 'slack_webapi_platform_error': {
      const code = e.data.error;
      return RETRYABLE_PLATFORM_ERRORS.has(code) ? { status: 'retryable', reason: `Slack API: ${code}` } : { status: 'permanent', reason: `Slack API: ${code}` };
    }
    case 'slack_webapi_http_error':
      return resultForHttpStatus(e.statusCode, e.headers['retry-after'], e.statusMessage);
    default:
      return resultForTransportError(e);
  }
}

/** Where a message goes: an incoming webhook, or chat.postMessage with a bot token. */
interface SlackTransport {
  /** `alert` is set for a single alert's message (threads key on it), absent for a digest. */
  post(message: SlackMessage, signal: AbortSignal, alert?: Alert): Promise<DeliveryResult>;
}

/** The thread an alert's repeats reply in: the first post's `ts`, and until when repeats join it. */
interface Thread {
  ts: string;
  until: number;
}

/** Bounds the thread table: the oldest threads are forgotten first. */
const MAX_THREADS = 10_000;

/**
 * Posts each alert as falcosidekick's Slack message (colour bar, fields, output text, footer), to an
 * incoming webhook or through chat.postMessage. No rate limiting here: see `withSlackRateLimit`.
 */
export class SlackOutput implements Output {
  readonly type = 'slack';
  readonly maxBatch = 1;
  /** The rate-limited destination: the channel when set (shared by every instance posting there), else the webhook. */
  readonly destination: string;
  readonly #config: SlackConfig;
  readonly #template: AlertTemplate | undefined;
  readonly #agent: Agent;
  readonly #transport: SlackTransport;
  readonly #now: () => number;
  readonly #threads = new Map<string, Thread>();

  constructor(config: SlackConfig, readonly name: string, options: OutputCreateOptions = {}) {
    this.#config = config;
    this.#now = options.now ?? Date.now;
    this.#template = config.messageformat === '' ? undefined : compileTemplate(config.messageformat);
    this.#agent = new Agent({ connect: loadTlsOptions(config, name, options) });
    if (config.token !== '') {
      if (config.channel === '') throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}: a bot token needs a channel`);
      this.#transport = this.#apiTransport();
      this.destination = `${config.apiurl}#${config.channel}`;
    } else if (config.webhookurl !== '') {
      this.#transport = this.#webhookTransport();
      this.destination = config.channel === '' ? config.webhookurl : `${config.webhookurl}#${config.channel}`;
    } else {
      throw new SakerError(OUTPUT_ERROR_CODES.CONFIG, `${name}: set webhookurl or token`);
    }
  }

  #webhookTransport(): SlackTransport {
    const { webhookurl, timeout } = this.#config;
    const agent = this.#agent;
    return {
      async post(message, signal) {
        try {
          return await withTimeout(signal, timeout, async (combined) => {
            const response = await request(webhookurl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
              body: stringifyJson(message),
              dispatcher: agent,
              signal: combined,
            });
            // Slack answers errors as text: `invalid_payload`, `channel_not_found`, `no_service`, …
            return resultForHttpStatus(response.statusCode, response.headers['retry-after'], await response.body.text());
          });
        } catch (error) {
          return resultForTransportError(error);
        }
      },
    };
  }

  #apiTransport(): SlackTransport {
    const agent = this.#agent;
    const client = new WebClient(this.#config.token, {
      slackApiUrl: this.#config.apiurl,
      // Retries, 429 waits and backoff belong to the delivery layer: the client must fail fast and say why.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.#config.timeout,
      logLevel: LogLevel.ERROR,
      headers: { 'user-agent': USER_AGENT },
      fetch: (url, init) => undiciFetch(url, { ...(init as object), dispatcher: agent }) as never,
    });
    const threads = this.#threads;
    const now = this.#now;
    const windowMs = this.#config.threadwindow * 1000;
    return {
      async post(message, _signal, alert) {
        const key = alert && windowMs > 0 ? JSON.stringify([alert.rule, alert.hostname]) : undefined;
        const thread = key === undefined ? undefined : threads.get(key);
        const threadTs = thread && thread.until > now() ? thread.ts : undefined;
        try {
          const response = await client.chat.postMessage({
            ...message,
            channel: message.channel ?? '',
            ...(threadTs ? { thread_ts: threadTs } : {}),
          });
          if (key !== undefined && threadTs === undefined && response.ts) {
            threads.delete(key);
            threads.set(key, { ts: response.ts, until: now() + windowMs });
            if (threads.size > MAX_THREADS) threads.delete(threads.keys().next().value as string);
          }
          return { status: 'ok' };
        } catch (error) {
          return resultForWebApiError(error);
        }
      },
    };
  }

  async send(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    for (const alert of alerts) results.push(await this.#transport.post(slackMessage(alert, this.#config, this.#template), context.signal, alert));
    return results;
  }

  /** Posts one digest message standing for all `alerts` (used by the rate-limit wrapper for a backlog). */
  async sendDigest(alerts: readonly Alert[], context: SendContext): Promise<DeliveryResult> {
    return this.#transport.post(slackDigest(alerts, this.#config), context.signal);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
