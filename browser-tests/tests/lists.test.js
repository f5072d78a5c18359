// Lists that work and the duplicate warning (issue 15, items 7 and 6) in
// a real browser: a Belgian caseworker of the demo opens a request, opens
// it again and is warned before anything is saved, with a link to the
// existing request and everything typed kept; "a different person" saves
// it. The request list offers its filters and order, and "my requests"
// shows what was assigned. The sought persons, the gallery entries and the
// public's reports are searched and filtered the same way, and on a 375 px
// phone every list's filters stack and fill the screen. axe-core on every
// page.
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

// Each list with a filter it offers and the value to choose.
const LISTS = [
  ['/requests', '#status', 'open'],
  ['/registrations', '#kind', 'safe'],
  ['/sought', '#flag', 'minor'],
  ['/staff/gallery', '#status', 'published'],
  ['/staff/reports', '#status', 'handled'],
];

test('sought persons, gallery entries and reports are searched, filtered and paged', async () => {
  const be = await signedIn('caseworker@redcross-be.example');
  await be.page.goto(`${server.url}/requests`);
  await be.page.getByRole('link', { name: /^sought persons$/i }).click();
  await be.page.waitForURL(/\/sought$/);
  const heads = await be.page.locator('table.list thead th').allTextContents();
  assert.ok(heads.some((h) => /possible matches/i.test(h)), heads.join(', '));
  assert.ok(heads.some((h) => /flags/i.test(h)), heads.join(', '));
  await assertAccessible(be.page, assert, 'sought persons');
  const total = await be.page.locator('p[role="status"]').textContent();
  // A name from the list, searched in the name field: found again.
  const name = (await be.page.locator('table.list tbody tr td:first-child bdi').first().textContent()).trim();
  await be.page.locator('#name').fill(name);
  await be.page.locator('#sort').selectOption('alphabetical');
  await be.page.getByRole('button', { name: /^search$/i }).click();
  await be.page.waitForURL(/sort=alphabetical/);
  const found = await be.page.locator('table.list tbody bdi').allTextContents();
  assert.ok(found.includes(name), `${name} in ${found.join(', ')}`);
  // Page links keep the filters.
  await be.page.goto(`${server.url}/sought`);
  if (await be.page.locator('.pagination a[rel="next"]').count() > 0) {
    await be.page.locator('.pagination a[rel="next"]').click();
    await be.page.waitForURL(/page=2/);
    assert.equal(await be.page.locator('.pagination a[aria-current="page"]').textContent(), '2');
  } else {
    assert.match(total, /^\s*(one|[0-9]|[1-4][0-9]|50)\b/i, 'one page only when at most 50');
  }
  for (const [path, control, value] of LISTS) {
    await be.page.goto(`${server.url}${path}`);
    await be.page.locator(control).selectOption(value);
    await be.page.getByRole('button', { name: /^search$/i }).click();
    await be.page.waitForURL(new RegExp(`${value}`));
    assert.equal(await be.page.locator(control).inputValue(), value, `${path} keeps its filter`);
    await assertAccessible(be.page, assert, `${path} filtered`);
  }
  await be.context.close();
});

test('at 375 px every list\'s filters stack and fill the width', async () => {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill('caseworker@redcross-be.example');
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  for (const [path] of LISTS) {
    await page.goto(`${server.url}${path}`);
    const controls = page.locator('form.filters input:not([type="hidden"]):not([type="checkbox"]), form.filters select');
    const count = await controls.count();
    assert.ok(count >= 3, `${path}: ${count} filter controls`);
    for (let i = 0; i < count; i += 1) {
      const box = await controls.nth(i).boundingBox();
      const id = await controls.nth(i).getAttribute('id');
      assert.ok(box && box.width >= 0.8 * 375, `${path} #${id} is ${box?.width} px wide`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow} px wider than the screen`);
  }
  await context.close();
});
