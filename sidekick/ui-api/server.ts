import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { isSakerError } from '../../common/errors.js';
import { stringifyJson } from '../../contract/index.js';
import { UI_ERRORS, type AlertStore } from '../alert-store/index.js';
import { installExactJsonParser } from '../ingest/json-body.js';
import { registerAuth, registerNoAuth, type UiAuthOptions } from './auth.js';
import { registerExport } from './export.js';
import { registerRoutes } from './routes.js';
import { SECURITY_HEADERS } from './security.js';
import { defaultStaticDir, registerStatic } from './static.js';
import { registerStream, type StreamOptions } from './stream.js';
import type { UiContext } from './types.js';

/** What the UI needs: the store, and optionally where the built app is and what the sidekick knows. */
export interface UiOptions extends UiContext {
  store: AlertStore;
  /** The built app (`web-ui/dist` by default); `false` serves the API only. */
  staticDir?: string | false;
  stream?: StreamOptions;
  /** Require a login; off when absent. */
  auth?: UiAuthOptions;
  /**
   * Routes the sidekick adds on the UI port, with full paths (e.g. its `/api/v1/deadletters` API, which
   * the app shows), behind the same login, CSRF check, headers and error format.
   */
  extraRoutes?: (scope: FastifyInstance) => void | Promise<void>;
}

/** Status for each of our error codes; anything else is a 500. */
const STATUS: Readonly<Record<string, number>> = {
  [UI_ERRORS.BAD_PARAM]: 400,
  [UI_ERRORS.NOT_FOUND]: 404,
  [UI_ERRORS.STORE_CLOSED]: 503,
  [UI_ERRORS.UNAUTHORIZED]: 401,
  [UI_ERRORS.CSRF]: 403,
  [UI_ERRORS.TOO_MANY_LOGINS]: 429,
};

/**
 * Mounts the UI on a fastify instance: the JSON API, `stream` and `export` under `/api/v1`, and the app
 * at `/`, all with the security headers. Errors are JSON `{ code, message }` with a 4xx for bad input.
 */
export async function registerUi(app: FastifyInstance, options: UiOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => {
      reply.headers(SECURITY_HEADERS);
    });
    // Stored alerts may hold bigints (epoch nanoseconds): written as exact JSON numbers.
    scope.setReplySerializer((payload) => stringifyJson(payload));
    installExactJsonParser(scope);
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const code = isSakerError(error) ? error.code : undefined;
      const status = code ? (STATUS[code] ?? 500) : (error.statusCode ?? 500);
      if (status >= 500) scope.log.error({ err: error }, 'web UI request failed');
      return reply.code(status).send({
        code: code ?? (status < 500 ? UI_ERRORS.BAD_PARAM : 'SAKER_ERR_INTERNAL'),
        message: status < 500 || code ? error.message : 'internal error',
      });
    });
    if (options.auth) registerAuth(scope, options.auth);
    else registerNoAuth(scope);
    await options.extraRoutes?.(scope);
    await scope.register(
      async (api) => {
        registerRoutes(api, options.store, { ...options, authEnabled: options.auth !== undefined });
        registerStream(api, options.store, options.stream);
        registerExport(api, options.store);
      },
      { prefix: '/api/v1' },
    );
    if (options.staticDir !== false) registerStatic(scope, options.staticDir ?? defaultStaticDir());
  });
}

/** A running UI server. */
export interface UiServer {
  app: FastifyInstance;
  /** `http://host:port`, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a dedicated UI server (the sidekick's port 2802). Closing it ends open streams; the store stays
 * open, it belongs to the caller.
 */
export async function createUiServer(options: UiOptions & { host?: string; port?: number; logger?: boolean }): Promise<UiServer> {
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  await registerUi(app, { ...options, listenAddress: options.host ?? '127.0.0.1', listenPort: options.port ?? 2802 });
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 2802 });
  return { app, url, close: () => app.close() };
}
