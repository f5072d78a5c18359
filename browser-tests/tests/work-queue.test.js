// The work queue and the notification bell in a real browser, at phone
// width (375 px) and desktop width (1280 px): a Belgian caseworker of the
// demo (and a French one) sees what waits, by kind and with counts, opens an item in one
// click, and marks notifications read. axe-core on the home page and the
// notifications page; nothing wider than the screen on the phone.
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

// Two caseworkers, so that each run starts with unread notifications.
for (const [width, email] of [[375, 'caseworker@redcross-be.example'], [1280, 'caseworker@redcross-fr.example']]) {
  test(`the work queue at ${width} px: counts, one click to the item, the bell`, async () => {
    const { context, page } = await signedIn(email, width);
    await page.goto(`${server.url}/`);
    const queue = page.locator('section.work-queue');
    await queue.waitFor();
    assert.match(await queue.locator('h2').innerText(), /Waiting for you/);
    const group = queue.locator('[data-kind="candidate_to_review"]');
    const count = Number(await group.locator('.count').innerText());
    assert.ok(count > 0, 'the demo has candidates to review');
    await assertAccessible(page, assert, `the home page at ${width} px`);
    if (width < 500) await assertFitsTheScreen(page, 'the home page');

    // The bell shows what is new, and says it in words to a screen reader.
    const bell = page.locator('a.bell');
    assert.match(await bell.getAttribute('aria-label'), /Notifications: \d+ new/);
    const unread = Number(await bell.locator('.badge').innerText());
    assert.ok(unread > 0);

    // One click from the queue to the candidate.
    await group.locator('.work-items a').first().click();
    await page.waitForURL(/\/candidates\/[0-9a-f-]{36}$/);
    assert.equal((await page.goBack()).status(), 200);

    await bell.click();
    await page.waitForURL(/\/notifications$/);
    assert.match(await page.locator('main').innerText(), /new since you last looked/);
    await assertAccessible(page, assert, `the notifications page at ${width} px`);
    if (width < 500) await assertFitsTheScreen(page, 'the notifications page');
    await page.getByRole('button', { name: /mark all as read/i }).click();
    await page.waitForURL(/\/notifications$/);
    assert.match(await page.locator('main').innerText(), /Nothing new since you last looked/);
    assert.equal(await page.locator('a.bell .badge').count(), 0);
    // The queue itself stays until the work is done.
    await page.goto(`${server.url}/`);
    assert.equal(Number(await group.locator('.count').innerText()), count);
    await context.close();
  });
}
