// Networks in a real browser at phone width (375 px) and desktop width
// (1280 px): a Belgian caseworker of the demo opens their networks, filters
// a network's posts by kind, writes a post and opens it, and follows a
// country. axe-core on each page; nothing wider than the screen on the
// phone.
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

async function signedIn(email, width) {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

async function assertFitsTheScreen(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow} px wider than the screen`);
}

for (const width of [375, 1280]) {
  test(`networks at ${width} px: list, filter, write, read, follow`, async () => {
    const { context, page } = await signedIn('caseworker@redcross-be.example', width);
    const check = async (what) => {
      await assertAccessible(page, assert, `${what} at ${width} px`);
      if (width < 500) await assertFitsTheScreen(page, what);
    };
    await page.goto(`${server.url}/networks`);
    await check('the networks page');
    if (width < 500) {
      // The header folds to one line; the menu button opens the navigation.
      const header = await page.locator('header.top').boundingBox();
      assert.ok(header.height <= 80, `the folded header is ${header.height} px tall`);
      assert.equal(await page.getByRole('link', { name: /^tracing requests$/i }).isVisible(), false);
      await page.getByRole('button', { name: /^menu$/i }).click();
      assert.equal(await page.getByRole('button', { name: /^menu$/i }).getAttribute('aria-expanded'), 'true');
      assert.ok(await page.getByRole('link', { name: /^tracing requests$/i }).isVisible());
      await check('the networks page with the menu open');
    } else {
      assert.equal(await page.getByRole('button', { name: /^menu$/i }).count(), 0);
      assert.ok(await page.getByRole('link', { name: /^tracing requests$/i }).isVisible());
    }
    await page.getByRole('link', { name: /European migration network/ }).click();
    await page.waitForURL(/\/networks\/[0-9a-f-]{36}$/);
    assert.ok(await page.locator('ul.posts li').count() > 0, 'the demo network has posts');
    await check('a network page');

    await page.locator('#filter-kind').selectOption('funding_opportunity');
    await page.getByRole('button', { name: /^filter$/i }).click();
    await page.waitForURL(/kind=funding_opportunity/);
    const kinds = await page.locator('ul.posts li').evaluateAll((items) => items.map((li) => li.dataset.kind));
    assert.ok(kinds.length > 0);
    assert.ok(kinds.every((kind) => kind === 'funding_opportunity'), kinds.join(','));

    const title = `Crossings moved east (${width})`;
    await page.locator('#post-kind').selectOption('route_change');
    await page.locator('#post-title').fill(title);
    await page.locator('#post-body').fill('Departures now leave from further east.');
    await page.locator('#post-countries').fill('LY, TN');
    await page.getByRole('button', { name: /publish/i }).click();
    await page.waitForURL(/\/network-posts\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('h1').innerText(), new RegExp(title.replace(/[()]/g, '.')));
    await check('a network post');

    await page.goto(`${server.url}/networks/follows`);
    await page.locator('#follow-country').fill('GR');
    await page.locator('#follow-country').press('Enter');
    await page.waitForURL(/\/networks\/follows$/);
    assert.match(await page.locator('ul.follows').innerText(), /GR/);
    await check('the follows page');
    await context.close();
  });
}
