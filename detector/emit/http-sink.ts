import { Agent, request } from 'undici';
import { stringifyJson, type Alert } from '../../contract/index.js';
import type { AlertSink, SinkResult } from './sink.js';

export interface HttpSinkOptions {
  /** The sidekick's ingest URL, e.g. `http://127.0.0.1:2801/`. */
  url: string;
  /**
   * `true`: POST arrays to `<url>batch` (Saker's sidekick). `false`: POST each alert to `url`, one
   * request each, exactly as Falco's http_output does — for a falcosidekick or any Falco receiver.
   */
  batch: boolean;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Extra headers, e.g. an `Authorization` for a sidekick with ingest auth. */
  headers?: Record<string, string>;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Client errors other than timeouts and rate limits mean the request itself is wrong. */
function isPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Posts alerts to the sidekick over keep-alive HTTP connections. */
export class HttpSink implements AlertSink {
  private readonly agent: Agent;
  private readonly target: URL;

  constructor(private readonly options: HttpSinkOptions) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
    this.target = options.batch ? new URL('batch', options.url.endsWith('/') ? options.url : `${options.url}/`) : new URL(options.url);
  }

  async send(alerts: readonly Alert[]): Promise<SinkResult> {
    if (this.options.batch) return this.post(alerts);
    for (const alert of alerts) {
      const result = await this.post(alert);
      if (!result.ok) return result;
    }
    return { ok: true };
  }

  private async post(body: unknown): Promise<SinkResult> {
    try {
      const response = await request(this.target, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', ...this.options.headers },
        // Epoch-nanosecond fields are bigints: written as exact JSON numbers, as Falco writes them.
        body: stringifyJson(body),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true };
      const reason = `HTTP ${response.statusCode} from ${this.target.href}: ${text.slice(0, 200)}`;
      if (isPermanent(response.statusCode)) return { ok: false, permanent: true, reason };
      return {
        ok: false,
        permanent: false,
        reason,
        retryAfterMs: retryAfterMs(response.headers['retry-after']),
      };
    } catch (error) {
      return { ok: false, permanent: false, reason: `cannot reach ${this.target.href}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
