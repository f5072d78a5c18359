// The organisation administrator's first day: sign in, enrol the second
// factor, use the pages in Arabic, sign out, sign in again with a code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, totp, assertAccessible, DEMO_PASSWORD } from '../support.js';

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

async function signInWithPassword(page, email) {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
}

test('org admin enrols TOTP, works in Arabic, signs out and back in with a code', async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  assert.match(page.url(), /\/sign-in/);
  await assertAccessible(page, assert, 'sign-in');

  await signInWithPassword(page, 'org-admin@redcross-be.example');
  await page.waitForURL(/\/account\/second-factor/);
  await assertAccessible(page, assert, 'second-factor enrolment');
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  await page.getByLabel(/code/i).fill(totp(secret));
  await page.getByRole('button', { name: /confirm|enrol|activate/i }).click();
  await page.locator('li code').first().waitFor();
  const recoveryCodes = await page.locator('li code').allTextContents();
  assert.ok(recoveryCodes.length >= 8, 'recovery codes are shown');
  await assertAccessible(page, assert, 'recovery codes');

  for (const path of ['/', '/account', '/org/users', '/org/audit']) {
    await page.goto(`${server.url}${path}`);
    assert.equal(new URL(page.url()).pathname, path);
    await assertAccessible(page, assert, path);
  }
  await page.goto(`${server.url}/org/users`);
  await page.locator('table a').first().click();
  await page.waitForURL(/\/org\/users\/[0-9a-f-]+$/);
  await assertAccessible(page, assert, 'user page');

  // Switch to Arabic with the language form in the header.
  await page.goto(`${server.url}/org/users`);
  await page.locator('form.languages button[value="ar"]').click();
  await page.waitForFunction(() => document.documentElement.dir === 'rtl');
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
  assert.equal(new URL(page.url()).pathname, '/org/users', 'stays on the same page');
  await assertAccessible(page, assert, '/org/users in Arabic');
  await page.goto(`${server.url}/account`);
  await assertAccessible(page, assert, '/account in Arabic');

  // Sign out (the button is in the header in every language).
  await page.locator('#sign-out').click();
  await page.waitForURL(/\/sign-in/);
  await page.goto(`${server.url}/org/users`);
  assert.match(page.url(), /\/sign-in/, 'signed out');

  // Back to English, then a normal sign-in with the second factor.
  await page.locator('form.languages button[value="en"]').click();
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
  await signInWithPassword(page, 'org-admin@redcross-be.example');
  await page.waitForURL(/\/sign-in\/second-factor/);
  await assertAccessible(page, assert, 'second-factor check');
  // The enrolment spent this step's code; the app's next code (the server
  // accepts one step of clock drift) signs in.
  await page.getByLabel(/code/i).fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: /verify|continue|sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await page.goto(`${server.url}/org/users`);
  assert.equal(new URL(page.url()).pathname, '/org/users');
  await context.close();
});

test('a wrong password shows an accessible error and keeps the user out', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill('caseworker@redcross-fr.example');
  await page.getByLabel(/password/i).fill('not the password at all');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('alert').waitFor();
  assert.match(page.url(), /\/sign-in/);
  await assertAccessible(page, assert, 'sign-in error');
  await context.close();
});

test('operator pages pass axe-core', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, 'operator@retrace.example');
  await page.waitForURL(/\/account\/second-factor/);
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  await page.getByLabel(/code/i).fill(totp(secret));
  await page.getByRole('button', { name: /confirm|enrol|activate/i }).click();
  await page.locator('li code').first().waitFor();
  for (const path of ['/operator/organisations', '/operator/users']) {
    await page.goto(`${server.url}${path}`);
    assert.equal(new URL(page.url()).pathname, path);
    await assertAccessible(page, assert, path);
  }
  await context.close();
});
