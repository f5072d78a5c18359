// Smart practices in a real browser (issue 14, item 2): the Belgian Red
// Cross submits a practice to the European demo network, the French Red
// Cross and IOM Italy review it, the Belgian Red Cross publishes it, and a
// visitor who is not signed in finds it with the public search and reads
// it. axe-core on each page.
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
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

async function reviewAs(email, practiceUrl, comment) {
  const { context, page } = await signedIn(email);
  await page.goto(practiceUrl);
  await assertAccessible(page, assert, `the practice for ${email}`);
  await page.locator('#verdict-approve').check();
  await page.locator('#review-comment').fill(comment);
  await page.locator('#send-review').click();
  await page.waitForURL(practiceUrl);
  assert.match(await page.locator('ul.reviews').innerText(), new RegExp(comment));
  await context.close();
}

test('submit a practice, review it from two other organisations, publish it, find it as the public', async () => {
  const word = `Kiosk${Date.now().toString(36)}`;
  const title = `Tracing ${word} at the central station`;

  // Submit.
  const belgium = await signedIn('caseworker@redcross-be.example');
  let page = belgium.page;
  await page.goto(`${server.url}/practices`);
  assert.ok(await page.locator('#practices tbody tr').count() > 0, 'the demo has practices');
  await assertAccessible(page, assert, 'the practices search');
  await page.getByRole('link', { name: /submit a practice/i }).click();
  await page.waitForURL(/\/practices\/new$/);
  await assertAccessible(page, assert, 'the submission form');
  await page.locator('#practice-network').selectOption({ label: 'European migration network (demo)' });
  await page.locator('#practice-title').fill(title);
  await page.locator('#stage-transit').check();
  await page.locator('#support-family_links').check();
  await page.locator('#practice-implementers').fill('Belgian Red Cross volunteers');
  await page.locator('#practice-countries').fill('BE');
  await page.locator('#practice-target').fill('People in transit through Brussels');
  await page.locator('#practice-impact').fill(`A ${word} opened twice a week; 300 people asked for news of relatives.`);
  await page.locator('#practice-cost').fill('9');
  await page.locator('#practice-currency').fill('EUR');
  await page.locator('#objective-8').check();
  await page.locator('#submit-practice').click();
  await page.waitForURL(/\/practices\/[0-9a-f-]{36}$/);
  const practiceUrl = page.url();
  assert.equal(await page.locator('#practice-status').getAttribute('data-status'), 'in_review');
  assert.equal(await page.locator('#send-review').count(), 0, 'its own organisation does not review it');
  await assertAccessible(page, assert, 'the submitted practice');

  // Two reviews from two other organisations of the network.
  await reviewAs('caseworker@redcross-fr.example', practiceUrl, 'Clear, and cheap to repeat');
  await reviewAs('caseworker@iom-it.example', practiceUrl, 'Approved for publication');

  // Publish.
  await page.goto(practiceUrl);
  await page.locator('#publish').click();
  await page.waitForURL(practiceUrl);
  assert.equal(await page.locator('#practice-status').getAttribute('data-status'), 'published');
  await belgium.context.close();

  // The public finds it without signing in.
  const visitor = await browser.newContext({ locale: 'en-GB' });
  page = await visitor.newPage();
  await page.goto(`${server.url}/public/practices`);
  await assertAccessible(page, assert, 'the public practices');
  await page.locator('#filter-q').fill(word.toLowerCase());
  await page.locator('#filter-stage').selectOption('transit');
  await page.getByRole('button', { name: /^search$/i }).click();
  await page.waitForURL(/\/public\/practices\?/);
  await page.getByRole('link', { name: title }).click();
  await page.waitForURL(/\/public\/practices\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('h1').innerText(), title);
  assert.equal(await page.locator('ul.reviews').count(), 0, 'reviews stay with the network');
  await assertAccessible(page, assert, 'a public practice');
  await visitor.close();
});

test('the public sends a practice, held until a coordinating organisation accepts it', async () => {
  const word = `Garden${Date.now().toString(36)}`;
  const title = `Community ${word} with a tracing corner`;
  const visitor = await browser.newContext({ locale: 'en-GB' });
  let page = await visitor.newPage();
  await page.goto(`${server.url}/public/practices`);
  await page.getByRole('link', { name: /share a practice/i }).click();
  await page.waitForURL(/\/public\/practices\/new$/);
  await assertAccessible(page, assert, 'the public submission form');
  await page.locator('#practice-network').selectOption({ label: 'European migration network (demo)' });
  await page.locator('#practice-title').fill(title);
  await page.locator('#stage-destination').check();
  await page.locator('#support-psychosocial').check();
  await page.locator('#practice-implementers').fill('Neighbourhood volunteers');
  await page.locator('#practice-countries').fill('BE');
  await page.locator('#practice-target').fill('Families waiting for news');
  await page.locator('#practice-impact').fill('Forty families met every week.');
  await page.locator('#objective-16').check();
  // The form refuses what is sent faster than a person types.
  await page.waitForTimeout(3500);
  await page.locator('#submit-practice').click();
  await page.waitForURL(/\/public\/practices\/thanks$/);
  await assertAccessible(page, assert, 'the thanks page');
  await visitor.close();

  // Held: the coordinating Belgian Red Cross finds it and accepts it.
  const belgium = await signedIn('caseworker@redcross-be.example');
  page = belgium.page;
  await page.goto(`${server.url}/practices?status=held`);
  await page.getByRole('link', { name: title }).click();
  await page.waitForURL(/\/practices\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('#practice-status').getAttribute('data-status'), 'held');
  await assertAccessible(page, assert, 'a held practice');
  await page.locator('#accept').click();
  await page.waitForURL(/\/practices\/[0-9a-f-]{36}$/);
  assert.equal(await page.locator('#practice-status').getAttribute('data-status'), 'in_review');
  await belgium.context.close();
});
