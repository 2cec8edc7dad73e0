import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../contract/index.js';
import type { DeliveryStatus } from '../../sidekick/ui-api/index.js';
import { demoAlert } from './support/demo-alerts.js';
import { buildApp, startUi, type UiFixture } from './support/app.js';
import { hasChromium, launchChromium } from './support/browser.js';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const XSS = '<img src=x onerror=window.__xss=1>';

let browser: Browser;
let app: { dir: string; remove: () => void };
let fixture: UiFixture;
let page: Page;
const problems: string[] = [];
const seeded: Alert[] = [];

/** A stand-in for the sidekick's dead-letter API (its documented shape), mounted on the UI port. */
const deadLetters = [
  { id: 7, output: 'slack', attempts: 5, reason: 'HTTP 500 from hooks.slack.com', failed_at: new Date().toISOString(), alert: demoAlert(1, Date.now()) },
  { id: 8, output: 'webhook', attempts: 3, reason: XSS, failed_at: new Date().toISOString(), alert: demoAlert(2, Date.now()) },
];
const replayedIds: number[][] = [];
/** What the sidekick's outbox would report per alert (its shape is proven against the real outbox in the API tests). */
const deliveries = new Map<string, DeliveryStatus[]>();

describe.skipIf(!hasChromium)('web UI in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await buildApp();
    fixture = await startUi(app.dir, {
      deliveryStatus: (uuid) => deliveries.get(uuid) ?? [],
      extraRoutes: (scope) => {
        scope.get('/api/v1/deadletters', () => ({ total: deadLetters.length, deadletters: deadLetters }));
        scope.post('/api/v1/deadletters/replay', (request) => {
          const ids = (request.body as { ids: number[] }).ids;
          replayedIds.push(ids);
          const before = deadLetters.length;
          deadLetters.splice(0, deadLetters.length, ...deadLetters.filter((d) => !ids.includes(d.id)));
          return { replayed: before - deadLetters.length, skipped: 0 };
        });
      },
    });
    const now = Date.now();
    // A day of alerts, one every ~5 minutes, so the dashboard has a shape.
    seeded.push(...Array.from({ length: 300 }, (_, i) => demoAlert(i, now - (300 - i) * 290_000)));
    fixture.store.insert(seeded);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    app?.remove();
  });

  async function openPage(query = ''): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const p = await context.newPage();
    p.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await p.goto(`${fixture.ui.url}/${query}`);
    await p.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    page = p;
    return p;
  }

  afterEach(async () => {
    await page?.context().close();
    // No CSP violation, script error or failed request in any test.
    expect(problems).toEqual([]);
  });

  const rowFor = (p: Page, uuid: string) => p.locator(`.viewport .row[data-uuid="${uuid}"]`);
  const visibleRowTexts = (p: Page, selector: string) =>
    p.$$eval(`.viewport .row:not([hidden]) ${selector}`, (nodes) => nodes.map((n) => n.textContent ?? ''));

  it('shows the dashboard: counts per priority, timeline, top lists and the newest alerts', async () => {
    const p = await openPage();
    const critical = seeded.filter((a) => a.priority === 'Critical').length;
    await expect.poll(() => p.textContent('.chip[data-priority="Critical"] .count'), { timeout: 5000 }).toBe(String(critical));
    await p.waitForSelector('.chart canvas');
    expect(await p.locator('.top-list').first().locator('li').count()).toBeGreaterThan(0);
    await expect.poll(() => p.getAttribute('.viewport .row[data-index="0"]', 'data-uuid'), { timeout: 5000 }).toBe(seeded[seeded.length - 1]!.uuid);
    await p.screenshot({ path: `${SCREENSHOTS}dashboard.png` });
  });

  it('shows an alert stored after the page opened, live', async () => {
    const p = await openPage();
    await p.waitForSelector('.live.on', { timeout: 5000 });
    const alert = demoAlert(10_001, Date.now());
    fixture.store.add(alert);
    seeded.push(alert);
    await rowFor(p, alert.uuid!).waitFor({ timeout: 3000 });
    expect(await p.getAttribute('.viewport .row[data-index="0"]', 'data-uuid')).toBe(alert.uuid);
  });

  it('holds live alerts while paused and shows them on resume', async () => {
    const p = await openPage();
    await p.waitForSelector('.live.on', { timeout: 5000 });
    await p.click('button.pause');
    const alert = demoAlert(10_002, Date.now());
    fixture.store.add(alert);
    seeded.push(alert);
    await expect.poll(() => p.textContent('button.pause'), { timeout: 3000 }).toBe('Resume (1 new)');
    expect(await rowFor(p, alert.uuid!).count()).toBe(0);
    await p.click('button.pause');
    await rowFor(p, alert.uuid!).waitFor({ timeout: 3000 });
  });

  it('narrows the list with filters and search, keeps them in the URL and across a reload', async () => {
    const p = await openPage();
    await p.click('.chip[data-priority="Critical"]');
    await expect.poll(() => new URL(p.url()).searchParams.get('priority')).toBe('Critical');
    await expect.poll(async () => new Set(await visibleRowTexts(p, '.c-prio')), { timeout: 5000 }).toEqual(new Set(['Critical']));

    await p.fill('input.search', 'kubectl');
    await expect.poll(() => new URL(p.url()).searchParams.get('filter'), { timeout: 5000 }).toBe('kubectl');
    const expected = seeded.filter((a) => a.priority === 'Critical' && a.output.includes('kubectl')).length;
    await expect.poll(() => p.textContent('.total'), { timeout: 5000 }).toBe(`${expected} alert${expected === 1 ? '' : 's'}`);
    // The rows may render a moment after the total: wait for the list itself to narrow.
    await expect
      .poll(async () => {
        const outputs = await visibleRowTexts(p, '.c-output');
        return outputs.length > 0 && outputs.every((o) => o.includes('kubectl'));
      }, { timeout: 5000 })
      .toBe(true);

    await p.reload();
    await p.waitForSelector('body[data-ready="true"]');
    expect(await p.inputValue('input.search')).toBe('kubectl');
    expect(await p.getAttribute('.chip[data-priority="Critical"]', 'aria-pressed')).toBe('true');
    await expect.poll(() => p.textContent('.total'), { timeout: 5000 }).toBe(`${expected} alert${expected === 1 ? '' : 's'}`);
    await p.screenshot({ path: `${SCREENSHOTS}filtered.png` });

    // A top-list entry filters on click; removing the chip widens the list again.
    await p.click('.top-list .top-item >> nth=0');
    await expect.poll(() => new URL(p.url()).searchParams.get('rule') !== null).toBe(true);
    await p.click('.filter-chip[data-key="rule"]');
    await expect.poll(() => new URL(p.url()).searchParams.get('rule')).toBe(null);
  });

  it('opens the detail panel with all output fields, tags and raw JSON, by mouse and keyboard', async () => {
    const p = await openPage();
    const target = seeded[seeded.length - 1]!;
    await rowFor(p, target.uuid!).click();
    const detail = p.locator('aside.detail');
    await detail.waitFor({ state: 'visible' });
    for (const [name, value] of Object.entries(target.output_fields)) {
      expect(await detail.locator(`tr[data-field="${name}"] td`).textContent()).toBe(typeof value === 'string' ? value : JSON.stringify(value));
    }
    expect(await detail.locator('.tag').allTextContents()).toEqual(target.tags);
    expect(JSON.parse((await detail.locator('pre.raw').textContent()) ?? '')).toEqual(target);
    expect(new URL(p.url()).searchParams.get('alert')).toBe(target.uuid);
    await p.screenshot({ path: `${SCREENSHOTS}detail.png` });

    await p.keyboard.press('ArrowDown');
    const next = await p.getAttribute('.viewport .row[data-index="1"]', 'data-uuid');
    await expect.poll(() => new URL(p.url()).searchParams.get('alert')).toBe(next);
    await p.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });

    // The detail link survives a reload.
    await p.goto(`${fixture.ui.url}/?alert=${target.uuid}`);
    await p.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => detail.locator('.d-rule').textContent(), { timeout: 5000 }).toBe(target.rule);
  });

  it('shows per output where the alert was delivered or why not', async () => {
    const target = seeded[seeded.length - 2]!;
    const now = Date.now();
    deliveries.set(target.uuid!, [
      { output: 'slack', state: 'delivered', attempts: 2, at: now - 5_000 },
      { output: 'kafka', state: 'pending', attempts: 3, nextAt: now + 60_000, error: 'broker unreachable' },
      { output: 'webhook', state: 'dead', attempts: 1, error: `HTTP 400 ${XSS}`, at: now - 1_000 },
      { output: 'sns', state: 'skipped', error: 'not routed to this output (below its minimum priority, or filtered out)' },
    ]);
    const p = await openPage(`?alert=${target.uuid}`);
    const detail = p.locator('aside.detail');
    await detail.waitFor({ state: 'visible' });
    const item = (output: string) => detail.locator(`ul.delivery li[data-output="${output}"]`);
    await item('slack').waitFor();
    expect(await item('slack').getAttribute('data-state')).toBe('delivered');
    expect(await item('slack').textContent()).toMatch(/slack delivered.*after 2 attempts/);
    expect(await item('kafka').textContent()).toMatch(/kafka pending.*3 attempts so far; next try .*; last error: broker unreachable/);
    // The reason comes from the receiver: shown as text, never as markup.
    expect(await item('webhook').textContent()).toContain(`webhook dead-lettered${`HTTP 400 ${XSS}`} after 1 attempt`);
    expect(await item('webhook').locator('img').count()).toBe(0);
    expect(await item('sns').textContent()).toContain('sns not sentnot routed to this output');
    expect(await p.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await detail.locator('ul.delivery').scrollIntoViewIfNeeded();
    await p.screenshot({ path: `${SCREENSHOTS}detail-delivery.png` });
  });

  it('shows evt.time, integer nanoseconds beyond 2^53, with every digit', async () => {
    const exact = demoAlert(10_004, Date.now());
    exact.output_fields['evt.time'] = 1_700_000_000_123_456_789n;
    fixture.store.insert([exact]);
    const p = await openPage(`?alert=${exact.uuid}`);
    const detail = p.locator('aside.detail');
    await detail.waitFor({ state: 'visible' });
    await expect.poll(() => detail.locator('tr[data-field="evt.time"] td').textContent(), { timeout: 5000 }).toBe('1700000000123456789');
    expect(await detail.locator('pre.raw').textContent()).toContain('"evt.time": 1700000000123456789');
  });

  it('renders an XSS payload from an alert as text and runs nothing', async () => {
    const evil = demoAlert(10_003, Date.now());
    evil.rule = `Evil ${XSS}`;
    evil.output = `Shell spawned (cmdline=${XSS})`;
    evil.output_fields['proc.cmdline'] = XSS;
    evil.tags = [XSS];
    fixture.store.insert([evil]);
    seeded.push(evil);

    const p = await openPage(`?filter=onerror`);
    await rowFor(p, evil.uuid!).click();
    const detail = p.locator('aside.detail');
    await detail.waitFor({ state: 'visible' });
    expect(await detail.locator('tr[data-field="proc.cmdline"] td').textContent()).toBe(XSS);
    expect(await rowFor(p, evil.uuid!).locator('.c-output').textContent()).toBe(evil.output);
    // The top rules list shows the evil rule name too.
    await expect.poll(() => p.locator('.top-name', { hasText: XSS }).count(), { timeout: 5000 }).toBeGreaterThan(0);
    expect(await p.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await p.locator('img').count()).toBe(0);
    await p.screenshot({ path: `${SCREENSHOTS}xss-as-text.png` });
  });

  it('lists dead letters as text and replays one', async () => {
    const p = await openPage();
    await p.click('button:has-text("Dead letters")');
    const panel = p.locator('section.deadletters');
    await panel.locator('tr[data-id="8"]').waitFor({ timeout: 5000 });
    expect(await panel.locator('tr[data-id="8"] td').nth(3).textContent()).toBe(XSS);
    expect(await p.locator('img').count()).toBe(0);
    await panel.locator('tr[data-id="7"] button:has-text("Replay")').click();
    await panel.locator('tr[data-id="7"]').waitFor({ state: 'detached', timeout: 5000 });
    expect(replayedIds).toEqual([[7]]);
    await p.screenshot({ path: `${SCREENSHOTS}deadletters.png` });
  });

  it('switches to the dark theme and remembers it', async () => {
    const p = await openPage();
    await p.click('button[aria-label="Toggle dark theme"]');
    expect(await p.getAttribute('html', 'data-theme')).toBe('dark');
    await p.reload();
    await p.waitForSelector('body[data-ready="true"]');
    expect(await p.getAttribute('html', 'data-theme')).toBe('dark');
    await rowFor(p, seeded[0]!.uuid!).count();
    await p.waitForSelector('.chart canvas');
    await p.screenshot({ path: `${SCREENSHOTS}dashboard-dark.png` });
  });
});
