// Lists that work and the duplicate warning (issue 15, items 7 and 6) in
// a real browser: a Belgian caseworker of the demo opens a request, opens
// it again and is warned before anything is saved, with a link to the
// existing request and everything typed kept; "a different person" saves
// it. The request list offers its filters and order, and "my requests"
// shows what was assigned. axe-core on every page.
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

async function fillRequest(page) {
  await page.goto(`${server.url}/requests/new`);
  await page.locator('#e_name_1').fill('Hawa Mahamat Abakar');
  await page.locator('#e_sex').selectOption('female');
  await page.locator('#e_nationalities').fill('TD');
  await page.locator('#s_relationship').selectOption('sister');
  await page.locator('#s_name_1').fill('Khadija Mahamat Abakar');
  await page.locator('#s_sex').selectOption('female');
  await page.locator('#s_birth_date').fill('1998-02-03');
  await page.locator('#s_nationalities').fill('TD');
  await page.locator('#s_father_name').fill('Mahamat');
  await page.locator('#c_context').selectOption('conflict');
  await page.locator('#c_place').fill('Adré');
  await page.locator('input[name="s_vital_interest"]').check();
}

test('a likely duplicate is shown before saving, and saved only as a different person', async () => {
  const be = await signedIn('caseworker@redcross-be.example');
  await fillRequest(be.page);
  await be.page.getByRole('button', { name: /open the request/i }).click();
  await be.page.waitForURL(/\/requests\/[0-9a-f-]+$/);
  const first = new URL(be.page.url()).pathname;

  // The same sister again: a warning in the form, nothing saved.
  await fillRequest(be.page);
  await be.page.getByRole('button', { name: /open the request/i }).click();
  const warning = be.page.locator('#duplicates');
  await warning.waitFor();
  assert.match(await warning.textContent(), /may already be on file/i);
  assert.equal(await warning.locator(`a[href="${first}"]`).count(), 1, 'a link to the existing request');
  assert.equal(await be.page.locator('#c_place').inputValue(), 'Adré', 'what was typed is kept');
  assert.equal(new URL(be.page.url()).pathname, '/requests');
  await assertAccessible(be.page, assert, 'duplicate warning');

  await be.page.getByRole('button', { name: /different person: save anyway/i }).click();
  await be.page.waitForURL(/\/requests\/[0-9a-f-]+$/);
  assert.notEqual(new URL(be.page.url()).pathname, first, 'a second request');

  // Assigned to a caseworker of the organisation, named on the page.
  const choices = await be.page.locator('#assignee option')
    .evaluateAll((options) => options.filter((o) => o.value).map((o) => [o.value, o.textContent]));
  assert.ok(choices.length > 0, 'caseworkers are offered');
  await be.page.locator('#assignee').selectOption(choices[0][0]);
  await be.page.getByRole('button', { name: /^assign$/i }).click();
  await be.page.waitForURL(/\/requests\/[0-9a-f-]+$/);
  assert.match(await be.page.locator('.assignment p').first().textContent(), new RegExp(choices[0][1].trim()));
  await be.page.goto(`${server.url}/requests?assigned=me`);
  await assertAccessible(be.page, assert, 'my requests');
  await be.page.locator('#sort').selectOption('oldest');
  await be.page.locator('#flag').selectOption('minor');
  await be.page.getByRole('button', { name: /^search$/i }).click();
  await be.page.waitForURL(/sort=oldest/);
  assert.match(be.page.url(), /assigned=me/, 'the view is kept while filtering');
  await be.page.goto(`${server.url}/registrations?review=1`);
  await assertAccessible(be.page, assert, 'registration list');
  await be.context.close();
});
