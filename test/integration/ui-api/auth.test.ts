import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../../sidekick/alert-store/index.js';
import { createUiServer, hashPassword, type UiServer } from '../../../sidekick/ui-api/index.js';
import { alertAt, tempDir } from './support.js';

let store: AlertStore;
let ui: UiServer;
let removeDir: () => void;

beforeAll(async () => {
  const tmp = tempDir('saker-ui-auth-');
  removeDir = tmp.remove;
  store = AlertStore.open({ directory: join(tmp.dir, 'store') });
  store.insert([alertAt(1)]);
  ui = await createUiServer({
    store,
    port: 0,
    staticDir: false,
    auth: { username: 'admin', password: hashPassword('s3cret!') },
    extraRoutes: (scope) => {
      scope.post('/api/v1/deadletters/replay', () => ({ replayed: 0, skipped: 0 }));
    },
  });
});

afterAll(async () => {
  await ui?.close();
  store?.close();
  removeDir?.();
});

function login(username: string, password: string): Promise<Response> {
  return fetch(`${ui.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

describe('UI auth', () => {
  it('refuses API calls without a session but keeps healthz open', async () => {
    const response = await fetch(`${ui.url}/api/v1/events/search`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('SAKER_ERR_UI_UNAUTHORIZED');
    expect((await fetch(`${ui.url}/api/v1/stream`)).status).toBe(401);
    expect((await fetch(`${ui.url}/api/v1/healthz`)).status).toBe(200);
    expect(await (await fetch(`${ui.url}/api/v1/auth/session`)).json()).toEqual({ required: true, authenticated: false });
  });

  it('rejects wrong credentials', async () => {
    const response = await login('admin', 'wrong');
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('logs in with an httpOnly SameSite=Strict cookie and a CSRF token that logout requires', async () => {
    const response = await login('admin', 's3cret!');
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^saker_session=[\w-]{20,}; Path=\/; HttpOnly; SameSite=Strict/);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const session = cookie.split(';')[0]!;

    const search = await fetch(`${ui.url}/api/v1/events/search`, { headers: { cookie: session } });
    expect(search.status).toBe(200);

    const noCsrf = await fetch(`${ui.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: session } });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { code: string }).code).toBe('SAKER_ERR_UI_CSRF');

    // Routes the sidekick adds on the UI port get the same protection.
    const replayUrl = `${ui.url}/api/v1/deadletters/replay`;
    expect((await fetch(replayUrl, { method: 'POST' })).status).toBe(401);
    expect((await fetch(replayUrl, { method: 'POST', headers: { cookie: session } })).status).toBe(403);
    expect((await fetch(replayUrl, { method: 'POST', headers: { cookie: session, 'x-csrf-token': csrfToken } })).status).toBe(200);

    const out = await fetch(`${ui.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: session, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(204);
    expect((await fetch(`${ui.url}/api/v1/events/search`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('accepts HTTP basic auth with the same credentials, as falcosidekick-ui clients send', async () => {
    const good = Buffer.from('admin:s3cret!').toString('base64');
    const bad = Buffer.from('admin:nope').toString('base64');
    expect((await fetch(`${ui.url}/api/v1/events/count`, { headers: { authorization: `Basic ${good}` } })).status).toBe(200);
    expect((await fetch(`${ui.url}/api/v1/events/count`, { headers: { authorization: `Basic ${bad}` } })).status).toBe(401);
  });

  it('reports auth as enabled in the configuration', async () => {
    const basic = Buffer.from('admin:s3cret!').toString('base64');
    const config = (await (await fetch(`${ui.url}/api/v1/configuration`, { headers: { authorization: `Basic ${basic}` } })).json()) as Record<string, unknown>;
    expect(config['disable-auth']).toBe(false);
    expect(config.credentials).toBe('');
  });

  it('answers 429 after repeated failures', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login('admin', `guess-${i}`)).status);
    expect(statuses).toContain(429);
    expect(statuses[0]).toBe(401);
    // Basic auth is refused too while the address is locked out, even with the right password.
    const basic = Buffer.from('admin:s3cret!').toString('base64');
    expect((await fetch(`${ui.url}/api/v1/events/count`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(429);
  });
});
