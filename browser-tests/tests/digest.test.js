// The e-mail digest preference (issues 14 and 15) in a real browser: a
// demo caseworker finds it on the account page, sees it is off and that
// this server sends no e-mail, gets every error of a tampered form at once
// with the focus on the summary (Arabic, right to left, at 360 px), then
// chooses a weekly digest in French. axe-core on each state; nothing wider
// than the phone's screen.
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

async function signedIn(email, width, lang) {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  if (lang !== 'en') {
    // At phone width the language buttons are in the folded menu.
    if (width < 500) await page.locator('.menu-toggle').click();
    await page.locator(`form.languages button[value="${lang}"]`).click();
    await page.waitForLoadState('load');
  }
  return { context, page };
}

async function assertFitsTheScreen(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the screen`);
}

test('the digest preference in Arabic at 360 px: off, every error at once, focus on the summary', async () => {
  const { context, page } = await signedIn('caseworker@redcross-be.example', 360, 'ar');
  await page.goto(`${server.url}/account`);
  await page.locator('#digest-summary a[href="/account/digest"]').click();
  await page.waitForURL(/\/account\/digest$/);
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  assert.equal(await page.locator('#digest_frequency').isChecked(), true, 'off by default');
  assert.equal(await page.locator('#digest-not-enabled').count(), 1, 'no relay on this server');
  await assertAccessible(page, assert, 'the digest page in Arabic at 360 px');
  await assertFitsTheScreen(page, 'the digest page');

  // A tampered form: both choices refused, translated, all at once.
  await page.evaluate(() => {
    document.querySelector('#digest_frequency_weekly').value = 'hourly';
    document.querySelector('#digest_language option').value = 'de';
  });
  await page.locator('#digest_frequency_weekly').check();
  await page.locator('#digest_language').selectOption('de');
  await page.locator('#save-digest').click();
  await page.waitForLoadState('load');
  const summary = page.locator('#form-error');
  await summary.waitFor();
  assert.equal(await summary.locator('li').count(), 2);
  assert.match(await summary.innerText(), /لغة الملخص/);
  await page.waitForFunction(() => document.activeElement?.id === 'form-error');
  assert.equal(await page.locator('#digest_language').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, assert, 'the refused digest form in Arabic');
  await assertFitsTheScreen(page, 'the refused digest form');
  await context.close();
});

test('a weekly digest in French, chosen at 1280 px', async () => {
  const { context, page } = await signedIn('caseworker@redcross-fr.example', 1280, 'en');
  await page.goto(`${server.url}/account/digest`);
  await page.getByLabel('Weekly').check();
  await page.getByLabel('Language of the digest').selectOption('fr');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('#digest-saved').innerText(), /saved/);
  assert.equal(await page.getByLabel('Weekly').isChecked(), true);
  assert.equal(await page.locator('#digest_language').inputValue(), 'fr');
  await assertAccessible(page, assert, 'the saved digest page');
  await page.goto(`${server.url}/account`);
  assert.match(await page.locator('#digest-summary').innerText(), /weekly e-mail digest/);
  await context.close();
});
