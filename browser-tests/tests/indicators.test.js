// Pledge indicators in a real browser (issue 14, item 3): the report page
// at 1280 and 375 px in English and Arabic (axe-core clean, tables and
// charts fit), and the Belgian Red Cross administrator enters a figure and
// sees it in the chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, totp, DEMO_PASSWORD } from '../support.js';

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

async function signedIn(email, width, locale = 'en-GB') {
  const context = await browser.newContext({ locale, viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"].primary').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

test('the report reads at 1280 and 375 px in English and Arabic', async () => {
  for (const width of [1280, 375]) {
    for (const [lang, locale] of [['en', 'en-GB'], ['ar', 'ar']]) {
      const { context, page } = await signedIn('caseworker@redcross-be.example', width, locale);
      await page.goto(`${server.url}/indicators`);
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
      assert.ok(await page.locator('svg[role="img"]').count() >= 10, 'a chart per group');
      assert.equal(await page.locator('#row-trained_staff td[data-year]').count(), 2, 'two years');
      await assertAccessible(page, assert, `the indicators at ${width}px in ${lang}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no sideways scrolling at ${width}px in ${lang} (${overflow}px)`);
      await context.close();
    }
  }
});

test('the administrator enters a figure and sees it in the chart', async () => {
  const { context, page } = await signedIn('org-admin@redcross-be.example', 1280);
  if (page.url().includes('/account/second-factor')) {
    const secret = (await page.locator('#totp-secret').textContent()).trim();
    await page.getByLabel(/code/i).fill(totp(secret));
    await page.getByRole('button', { name: /confirm|enrol|activate/i }).click();
    await page.locator('li code').first().waitFor();
  }
  await page.goto(`${server.url}/indicators`);
  await page.locator('#indicators-edit').click();
  await page.waitForURL(/\/indicators\/\d{4}\/edit$/);
  await assertAccessible(page, assert, 'the entry form');
  // A computed figure is not offered; bad input is refused with the value kept.
  assert.equal(await page.locator('input[name="reunifications"]').count(), 0);
  await page.locator('#trained_governance').fill('-2');
  await page.locator('#save-indicators').click();
  await page.locator('#form-error').waitFor();
  assert.equal(await page.locator('#trained_governance').inputValue(), '-2');
  assert.equal(await page.locator('#trained_governance').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, assert, 'the entry form with an error');
  await page.locator('#trained_governance').fill('987654');
  await page.locator('#save-indicators').click();
  await page.waitForURL(/\/indicators$/);
  const chart = page.locator('#chart-training');
  assert.match(await chart.innerHTML(), />987654<\/text>/);
  assert.match(await page.locator('#row-trained_governance').innerText(), /987654/);
  await context.close();
});
