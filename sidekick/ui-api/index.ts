/**
 * The web UI's server side: falcosidekick-ui-compatible REST API, live stream, export and the static app.
 *
 * Wiring (the sidekick or `saker run`):
 *   const ui = await createUiServer({ store, port: config.webui.listenport, outputs: () => names,
 *     deliveryStatus: (uuid) => outbox.deliveryStatus(uuid) });
 *   …; await ui.close();
 * or, on an existing fastify instance, `await registerUi(app, { store, … })`. Pass
 * `auth: { username, password }` to require a login (password plain or `hashPassword`'s output).
 */
export { registerUi, createUiServer } from './server.js';
export type { UiOptions, UiServer } from './server.js';
export type { DeliveryStatus, UiContext } from './types.js';
export type { StreamOptions } from './stream.js';
export { hashPassword, SESSION_COOKIE, CSRF_HEADER } from './auth.js';
export type { UiAuthOptions } from './auth.js';
export { CURSOR_HEADER } from './routes.js';
export { SECURITY_HEADERS } from './security.js';
export { csvCell } from './export.js';
export { defaultStaticDir } from './static.js';
