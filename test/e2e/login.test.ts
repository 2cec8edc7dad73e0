import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAlert } from './support/demo-alerts.js';
import { buildApp, startUi, type UiFixture } from './support/app.js';
import { hasChromium, launchChromium } from './support/browser.js';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

let browser: Browser;
let app: { dir: string; remove: () => void };
let fixture: UiFixture;

describe.skipIf(!hasChromium)('web UI with auth on', () => {
  beforeAll(async () => {
    app = await buildApp();
    fixture = await startUi(app.dir, { auth: { username: 'admin', password: 'correct horse' } });
    fixture.store.insert([demoAlert(1, Date.now())]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    app?.remove();
  });

  it('asks for a login, refuses a wrong password, then shows the alerts', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(fixture.ui.url);
      await page.waitForSelector('form.login');
      expect(await page.locator('.viewport').count()).toBe(0);
      await page.screenshot({ path: `${SCREENSHOTS}login.png` });

      await page.fill('input[name="username"]', 'admin');
      await page.fill('input[name="password"]', 'wrong');
      await page.click('form.login button[type="submit"]');
      await expect.poll(() => page.textContent('.login-error'), { timeout: 5000 }).toBe('Wrong username or password.');

      await page.fill('input[name="password"]', 'correct horse');
      await page.click('form.login button[type="submit"]');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      await expect.poll(() => page.textContent('.total'), { timeout: 5000 }).toBe('1 alert');

      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'saker_session');
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Strict');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');

      // The session survives a reload; logging out brings the form back.
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      await page.click('button:has-text("Log out")');
      await page.waitForSelector('form.login', { timeout: 5000 });
    } finally {
      await context.close();
    }
  });
});
