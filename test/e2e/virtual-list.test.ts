import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../contract/index.js';
import { demoAlert } from './support/demo-alerts.js';
import { buildApp, startUi, type UiFixture } from './support/app.js';
import { hasChromium, launchChromium } from './support/browser.js';

const COUNT = 100_000;
const ROW_HEIGHT = 34;

let browser: Browser;
let app: { dir: string; remove: () => void };
let fixture: UiFixture;
const alerts: Alert[] = [];

describe.skipIf(!hasChromium)('alert list with 100,000 alerts', () => {
  beforeAll(async () => {
    app = await buildApp();
    fixture = await startUi(app.dir);
    const start = Date.now() - COUNT * 1000;
    for (let i = 0; i < COUNT; i++) alerts.push(demoAlert(i, start + i * 1000));
    for (let i = 0; i < COUNT; i += 5000) fixture.store.insert(alerts.slice(i, i + 5000));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    app?.remove();
  });

  /** The alert at row `index`, newest first. */
  const expectedAt = (index: number): string => alerts[COUNT - 1 - index]!.uuid!;

  async function uuidAt(page: Page, index: number): Promise<string | null> {
    const row = await page.$(`.viewport .row[data-index="${index}"]`);
    return row ? row.getAttribute('data-uuid') : null;
  }

  it('keeps the DOM small and pages rows in wherever the user scrolls', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(fixture.ui.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      await expect.poll(() => page.textContent('.total'), { timeout: 5000 }).toBe('100,000 alerts');
      expect(await uuidAt(page, 0)).toBe(expectedAt(0));

      for (const target of [50_000, 99_990, 1234]) {
        await page.$eval('.viewport', (el, top) => (el.scrollTop = top), target * ROW_HEIGHT);
        await expect.poll(() => uuidAt(page, target), { timeout: 5000 }).toBe(expectedAt(target));
        expect(await page.locator('.viewport .row').count()).toBeLessThan(100);
      }

      await page.focus('.viewport');
      await page.keyboard.press('End');
      await expect.poll(() => uuidAt(page, COUNT - 1), { timeout: 5000 }).toBe(expectedAt(COUNT - 1));
      await expect.poll(() => page.getAttribute(`.viewport .row[data-index="${COUNT - 1}"]`, 'aria-selected')).toBe('true');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
