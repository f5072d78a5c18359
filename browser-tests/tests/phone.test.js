// Every page used in the field, at 360 and 414 px, in English and in Arabic
// (right to left): nothing wider than the screen, the header folded to one
// line, lists stacked into cards that name each value, axe-core clean.
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

// Who works with which pages in the field.
const ROUNDS = [
  ['caseworker@redcross-be.example', ['/', '/requests', '/requests/new', '/registrations', '/registrations/new', '/transfers', '/notifications', '/networks', '/directory', '/library', '/countries']],
  ['referral-officer@redcross-be.example', ['/referrals', '/referrals/new']],
  ['outreach-worker@redcross-be.example', ['/outreach', '/outreach/sessions', '/outreach/sessions/new']],
];

async function signedIn(email, width, locale) {
  const context = await browser.newContext({ locale, viewport: { width, height: 780 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.locator('input[type=email], input[name=email]').first().fill(email);
  await page.locator('input[type=password]').fill(DEMO_PASSWORD);
  await page.locator('main form button[type=submit]').last().click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

for (const [width, locale, lang] of [[360, 'en-GB', 'en'], [414, 'ar', 'ar']]) {
  test(`field pages at ${width} px in ${lang}: fit the screen, folded header, lists as cards`, async () => {
    for (const [email, paths] of ROUNDS) {
      const { context, page } = await signedIn(email, width, locale);
      if (lang !== 'en') {
        await page.locator('.menu-toggle').click();
        await page.locator(`.languages button[value="${lang}"]`).click();
        await page.waitForLoadState('load');
      }
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      for (const path of paths) {
        await page.goto(`${server.url}${path}`);
        const what = `${path} at ${width} px (${lang}, ${email})`;
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the screen`);
        const header = await page.locator('header.top').boundingBox();
        assert.ok(header.height <= 80, `${what}: the header is ${header.height} px tall`);
        assert.equal(await page.locator('#site-menu').isVisible(), false, `${what}: the menu starts folded`);
        for (const list of await page.locator('table.list').all()) {
          const row = list.locator('tbody > tr').first();
          if (await row.count() === 0) continue;
          const box = await row.boundingBox();
          assert.ok(box.width <= width, `${what}: a list row is ${box.width} px wide`);
          const labels = await row.locator('td').evaluateAll((cells) => cells.map((cell) => getComputedStyle(cell, '::before').content));
          assert.ok(labels.every((label) => label !== 'none' && label.length > 2), `${what}: every value is named (${labels.join(' | ')})`);
        }
        await assertAccessible(page, assert, what);
      }
      await context.close();
    }
  });
}
