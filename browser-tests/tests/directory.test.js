// The directory and the library in a real browser: a Belgian caseworker
// searches the directory for a shelter in Brussels and opens it, opens the
// country profile of Belgium and an earlier version of it, finds a
// document in the library and downloads it; a signed-out visitor searches
// the public library in Arabic. axe-core on each page.
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
  const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

test('find a shelter, open a country profile, find and download a document', async () => {
  const { context, page } = await signedIn('caseworker@redcross-be.example');

  await page.goto(`${server.url}/directory`);
  await assertAccessible(page, assert, 'the directory');
  await page.locator('#city').fill('Brussels');
  await page.locator('#kind').selectOption('shelter');
  await page.locator('#directory-search').click();
  await page.waitForURL(/city=Brussels/);
  const result = page.getByRole('link', { name: /Brussels/ }).first();
  assert.match(await result.innerText(), /Maison d'accueil Brussels/);
  await result.click();
  await page.waitForURL(/\/directory\/[0-9a-f-]{36}$/);
  assert.match(await page.locator('main').innerText(), /24\/7/);
  assert.match(await page.locator('main').innerText(), /Women and girls only/);
  await assertAccessible(page, assert, 'a directory entry');

  await page.getByRole('link', { name: /Country profile BE/ }).click();
  await page.waitForURL(/\/countries\/BE$/);
  const profile = await page.locator('main').innerText();
  assert.match(profile, /Belgium has a national referral mechanism/);
  assert.match(profile, /child protection service/);
  await assertAccessible(page, assert, 'a country profile');
  await page.locator('a[href="/countries/BE?version=1"]').click();
  await page.waitForURL(/version=1/);
  assert.match(await page.locator('main').innerText(), /earlier version/);
  assert.doesNotMatch(await page.locator('main').innerText(), /child protection service/);

  await page.goto(`${server.url}/library`);
  await page.locator('#q').fill('reunification familiale');
  await page.locator('#library-search').click();
  await page.waitForURL(/q=reunification/);
  assert.match(await page.locator('.snippet mark').first().innerText(), /[Rr]éunification/);
  await assertAccessible(page, assert, 'library results');
  await page.locator('.results a').first().click();
  await page.waitForURL(/\/library\/[0-9a-f-]{36}$/);
  await assertAccessible(page, assert, 'a library document');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#library-download').click(),
  ]);
  assert.match(download.suggestedFilename(), /^family-links-/);
  const path = await download.path();
  assert.ok(path, 'the file was downloaded');
  await context.close();
});

test('a signed-out visitor searches the public library in Arabic', async () => {
  const context = await browser.newContext({ locale: 'ar' });
  const page = await context.newPage();
  await page.goto(`${server.url}/library?q=${encodeURIComponent('حماية الأطفال')}`);
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  const titles = await page.locator('.results h2').allInnerTexts();
  assert.ok(titles.length > 0, 'public documents are found');
  assert.match(titles[0], /الأطفال/);
  await assertAccessible(page, assert, 'the public library in Arabic');
  await page.goto(`${server.url}/directory`);
  await assertAccessible(page, assert, 'the public directory in Arabic');
  await context.close();
});
