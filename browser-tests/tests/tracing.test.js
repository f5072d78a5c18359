// The tracing story in a real browser: the Belgian Red Cross registers a
// request for a brother; the French Red Cross registers him in Ge'ez
// script; the candidate appears on both sides without disclosure; France
// releases under his consent; Belgium sees the details and moves the
// request to located and contact restored. axe-core on every page.
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

async function signedIn(email) {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

test('a brother found across organisations and scripts, released under consent', async () => {
  const be = await signedIn('caseworker@redcross-be.example');
  const fr = await signedIn('caseworker@redcross-fr.example');

  // Belgium opens the request.
  await be.page.goto(`${server.url}/requests`);
  await assertAccessible(be.page, assert, 'request list');
  await be.page.getByRole('link', { name: /new tracing request/i }).click();
  await assertAccessible(be.page, assert, 'new request form');
  await be.page.locator('#e_name_1').fill('Selam Tesfay Gebremichael');
  await be.page.locator('#e_sex').selectOption('female');
  await be.page.locator('#e_nationalities').fill('ER');
  await be.page.locator('#s_relationship').selectOption('brother');
  await be.page.locator('#s_name_1').fill('Zerihun Tesfay Gebremichael');
  await be.page.locator('#s_sex').selectOption('male');
  await be.page.locator('#s_birth_date').fill('1996');
  await be.page.locator('#s_nationalities').fill('ER');
  await be.page.locator('#s_father_name').fill('Tesfay');
  await be.page.locator('#c_context').selectOption('migration');
  await be.page.locator('#c_date').fill('2022-11');
  await be.page.locator('#c_countries').fill('SD, LY, IT');
  // Nothing that records consent or a lawful basis is ticked in advance.
  assert.equal(await be.page.locator('input[name="e_tracing_consent"]').isChecked(), false);
  assert.equal(await be.page.locator('input[name="s_vital_interest"]').isChecked(), false);
  assert.equal(await be.page.locator('#e_consent_method').inputValue(), '');
  await be.page.locator('input[name="e_tracing_consent"]').check();
  await be.page.locator('#e_consent_method').selectOption('written');
  await be.page.locator('input[name="s_vital_interest"]').check();
  await be.page.getByRole('button', { name: /open the request/i }).click();
  await be.page.waitForURL(/\/requests\/[0-9a-f-]+$/);
  const requestUrl = be.page.url();
  assert.match(await be.page.locator('h1').textContent(), /BE-\d{4}-\d{5}/);
  await assertAccessible(be.page, assert, 'request page');

  // France registers him as safe, in Ge'ez script, and records his consent.
  await fr.page.goto(`${server.url}/registrations/new`);
  await assertAccessible(fr.page, assert, 'registration form');
  await fr.page.locator('input[name="kind"][value="safe"]').check();
  await fr.page.locator('#p_name_1').fill('ዘሪሁን ተስፋይ ገብረሚካኤል');
  await fr.page.locator('#p_sex').selectOption('male');
  await fr.page.locator('#p_birth_date').fill('1996');
  await fr.page.locator('#p_nationalities').fill('ER');
  await fr.page.locator('#p_last_known_place').fill('Foyer de Marseille');
  await fr.page.locator('input[name="p_tracing_consent"]').check();
  await fr.page.locator('#p_consent_method').selectOption('oral');
  await fr.page.getByRole('button', { name: /^save$/i }).click();
  await fr.page.waitForURL(/\/persons\/[0-9a-f-]+$/);
  const registrationUrl = fr.page.url();
  await assertAccessible(fr.page, assert, 'person page');

  // Belgium sees a candidate held by the French Red Cross, without values.
  await be.page.goto(requestUrl);
  await be.page.locator('h3 a').first().click();
  await be.page.waitForURL(/\/persons\//);
  const row = be.page.locator('tr', { hasText: 'French Red Cross (demo)' }).first();
  await row.locator('a').click();
  await be.page.waitForURL(/\/candidates\//);
  const candidateUrl = be.page.url();
  let text = await be.page.locator('main').textContent();
  assert.ok(!text.includes('ዘሪሁን'), 'no name before release');
  assert.ok(!text.includes('Marseille'), 'no whereabouts before release');
  assert.match(text, /French Red Cross \(demo\)/);
  await assertAccessible(be.page, assert, 'candidate page before release');

  // France records the sharing consent and releases.
  await fr.page.goto(registrationUrl);
  await fr.page.locator('#purpose').selectOption('sharing');
  await fr.page.locator('#basis').selectOption('self');
  await fr.page.locator('#method').selectOption('written');
  await fr.page.locator('#countries').fill('BE');
  await fr.page.getByRole('button', { name: /^record$/i }).click();
  await fr.page.waitForURL(/#consents$/);
  await fr.page.goto(candidateUrl);
  text = await fr.page.locator('main').textContent();
  assert.ok(!text.includes('Gebremichael'), 'France does not see the Belgian request');
  await fr.page.locator('input[name="confirm"]').check();
  await fr.page.getByRole('button', { name: /approve the release/i }).click();
  await fr.page.getByText(/released under the person/i).waitFor();

  // Belgium now sees him, and moves the request on.
  await be.page.goto(candidateUrl);
  text = await be.page.locator('main').textContent();
  assert.ok(text.includes('ዘሪሁን ተስፋይ ገብረሚካኤል'), 'released name');
  assert.ok(text.includes('Foyer de Marseille'), 'released whereabouts');
  await assertAccessible(be.page, assert, 'candidate page after release');
  await be.page.locator('#review-status').selectOption('confirmed');
  await be.page.getByRole('button', { name: /save the review/i }).click();
  for (const status of ['located', 'contact_restored']) {
    await be.page.goto(requestUrl);
    await be.page.locator('#status').selectOption(status);
    await be.page.getByRole('button', { name: /change the status/i }).click();
    await be.page.waitForURL(requestUrl);
  }
  assert.match(await be.page.locator('h1').textContent(), /Contact restored/);

  // The same pages in Arabic are right to left and accessible.
  await be.page.locator('form.languages button[value="ar"]').click();
  await be.page.waitForFunction(() => document.documentElement.dir === 'rtl');
  await assertAccessible(be.page, assert, 'request page in Arabic');
  await be.page.goto(candidateUrl);
  await assertAccessible(be.page, assert, 'candidate page in Arabic');

  await be.context.close();
  await fr.context.close();
});
