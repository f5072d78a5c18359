// Outreach on a phone in a real browser: an outreach worker signs in on a
// phone-sized screen, opens the session form, loses the network, records
// two sessions (kept on the device, encrypted), reloads the page while
// still offline (both are still there), gets the network back, syncs, and
// finds each session once on the list and the dashboard. Signing out
// erases what the device kept. axe-core on the form and the dashboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, DEMO_PASSWORD } from '../support.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const queued = (page) => page.locator('#device-queue li').count();

async function record(page, team, people) {
  await page.locator('#team').fill(team);
  await page.locator('#place_kind').selectOption('station');
  await page.locator('#city').fill('Brussels');
  await page.locator('#members').fill('Anne\nMarc');
  await page.locator('#mediators').fill('Yonas');
  await page.locator('#languages').fill('ti, ar');
  await page.locator('#people_reached').fill(String(people));
  await page.locator('#reached_sex_0').selectOption('male');
  await page.locator('#reached_age_0').selectOption('18_25');
  await page.locator('#reached_nationality_0').fill('ER');
  await page.locator('#reached_count_0').fill(String(people));
  await page.getByLabel('Dublin regulation').check();
  await page.getByRole('button', { name: /save the session/i }).click();
}

test('sessions recorded offline on a phone survive a reload and arrive once', async () => {
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill('outreach-worker@redcross-be.example');
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));

  await page.goto(`${server.url}/outreach/sessions/new`);
  await page.waitForSelector('#outreach-device.ready');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await assertAccessible(page, assert, 'outreach form');

  const stamp = Date.now().toString(36);
  const teams = [`Night team ${stamp}`, `Station team ${stamp}`];
  await context.setOffline(true);
  const reachable = await page.evaluate(() => fetch('/healthz').then(() => 'network', () => 'offline'));
  assert.equal(reachable, 'offline', 'the browser really is offline');
  await record(page, teams[0], 3);
  await page.waitForFunction(() => document.querySelectorAll('#device-queue li').length === 1);
  await record(page, teams[1], 5);
  await page.waitForFunction(() => document.querySelectorAll('#device-queue li').length === 2);
  assert.match(await page.locator('#device-status').textContent(), /no network/i);

  // What the device keeps is encrypted: no team name in the stored records.
  const stored = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('retrace-outreach');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const all = open.result.transaction('queue').objectStore('queue').getAll();
      all.onsuccess = () => resolve(all.result.map((item) => ({
        keys: Object.keys(item).sort().join(','),
        text: new TextDecoder('latin1').decode(item.data),
      })));
    };
  }));
  assert.equal(stored.length, 2);
  for (const item of stored) {
    assert.equal(item.keys, 'data,id,iv,savedAt');
    assert.ok(!item.text.includes('team'), 'the session is not stored in clear');
  }

  // Reloaded with no network: the form opens and both are still queued.
  await page.reload();
  await page.waitForSelector('#outreach-device.ready');
  assert.equal(
    await page.evaluate(() => fetch('/healthz').then(() => 'network', () => 'offline')),
    'offline',
    'the form came from the device, not the network',
  );
  assert.equal(await queued(page), 2);
  assert.match(await page.locator('#device-queue').textContent(), new RegExp(teams[0]));

  // The network returns: the queue is sent and erased from the device.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForFunction(() => document.querySelectorAll('#device-queue li').length === 0, null, { timeout: 15_000 });
  assert.match(await page.locator('#device-status').textContent(), /sent/i);

  // Sending again (a second tab, a retry) changes nothing: each once.
  await page.goto(`${server.url}/outreach/sessions`);
  const list = await page.locator('main').textContent();
  for (const team of teams) {
    assert.equal(list.split(team).length - 1, 1, `${team} listed once`);
  }
  await page.goto(`${server.url}/outreach?team=${encodeURIComponent(teams[1])}`);
  assert.equal(await page.locator('#total-sessions').textContent(), '1');
  assert.equal(await page.locator('#total-people').textContent(), '5');
  await page.goto(`${server.url}/outreach`);
  await assertAccessible(page, assert, 'outreach dashboard');
  assert.ok(await page.locator('svg[role="img"] title').count() > 3, 'charts with titles');

  // Signing out erases the device's outreach database.
  await page.goto(`${server.url}/outreach/sessions/new`);
  await page.waitForSelector('#outreach-device.ready');
  // On a phone the header is folded behind the menu button.
  await page.locator('.menu-toggle').click();
  await page.locator('#sign-out').click();
  await page.waitForURL(/\/sign-in/);
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.ok(!databases.includes('retrace-outreach'), `erased at sign-out: ${databases}`);
  await context.close();
});

test('the dashboard in Arabic draws its charts right to left and stays accessible', async () => {
  const context = await browser.newContext({ locale: 'ar' });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.locator('input[type="email"]').fill('coordinator@redcross-be.example');
  await page.locator('input[type="password"]').fill(DEMO_PASSWORD);
  await page.locator('main button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await page.goto(`${server.url}/outreach/country`);
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  assert.ok(await page.locator('svg[direction="rtl"]').count() > 0);
  await assertAccessible(page, assert, 'country dashboard in Arabic');
  await context.close();
});
