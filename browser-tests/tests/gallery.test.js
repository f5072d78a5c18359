// Trace the Face in a real browser: a Belgian caseworker records the
// enquirer's consent and publishes her photo; a signed-out visitor sees
// only the relationship and the reference, and sends a report; the report
// waits in the Belgian queue; the entry is taken down and its page and
// images answer 404. axe-core on the public pages (and the staff ones).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser, assertAccessible, totp, DEMO_PASSWORD } from '../support.js';

const here = dirname(fileURLToPath(import.meta.url));
const photo = resolve(here, '../../crates/retrace-web/tests/hostile-uploads/gps-exif-xmp-icc-comment.jpg');

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

const SECRETS = ['Nadia', 'Haddad', 'Yusuf', '1988', '2001', 'Homs', 'Syria', 'BE-20'];

function assertNoSecrets(html, where) {
  // Random values (CSRF token, signed stamp, image tokens) may contain any
  // short string: leave them out before looking.
  const text = html.replace(/(value|src)="[^"]*"/g, '');
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret), `${secret} appears on ${where}`);
  }
}

test('publish, view signed out, report, queue, take down', async () => {
  const be = await signedIn('caseworker@redcross-be.example');
  const { page } = be;

  // A request with an enquirer whose photo will be published.
  await page.goto(`${server.url}/requests/new`);
  await page.locator('#e_name_1').fill('Nadia Haddad');
  await page.locator('#e_sex').selectOption('female');
  await page.locator('#e_birth_date').fill('1988');
  await page.locator('#e_nationalities').fill('SY');
  await page.locator('#s_relationship').selectOption('brother');
  await page.locator('#s_name_1').fill('Yusuf Haddad');
  await page.locator('#s_sex').selectOption('male');
  await page.locator('#s_birth_date').fill('2001');
  await page.locator('#c_context').selectOption('conflict');
  await page.locator('#c_place').fill('Homs');
  await page.getByRole('button', { name: /open the request/i }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]+$/);
  const requestUrl = page.url();

  // The enquirer's consent to publication.
  await page.locator('#enquirer-heading a').click();
  await page.waitForURL(/\/persons\//);
  await page.locator('#purpose').selectOption('publication');
  await page.locator('#basis').selectOption('self');
  await page.locator('#method').selectOption('written');
  await page.getByRole('button', { name: /record/i }).click();
  await page.waitForURL(/\/persons\//);

  // Publish with a photo carrying EXIF GPS.
  await page.goto(requestUrl);
  await page.locator('#gallery-publish').click();
  await page.waitForURL(/\/staff\/gallery\/new/);
  await assertAccessible(page, assert, 'publication form');
  // Without a relationship: the form comes back with the error, the region
  // kept, the focus on the summary, and no CSRF token in the address bar
  // (the token is the form's first field, never in its action).
  await page.getByLabel('Brother', { exact: true }).uncheck();
  await page.locator('#region').selectOption('middle_east');
  await page.locator('#photo').setInputFiles(photo);
  await page.locator('#publish').click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/staff/gallery');
  assert.equal(new URL(page.url()).search, '', page.url());
  assert.equal(await page.locator('#region').inputValue(), 'middle_east');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-error');
  assert.equal(await page.locator('#relationship').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, assert, 'publication form with errors');
  await page.getByLabel('Brother', { exact: true }).check();
  await page.getByLabel('Mother', { exact: true }).check();
  await page.locator('#region').selectOption('middle_east');
  await page.locator('#photo').setInputFiles(photo);
  await page.locator('#publish').click();
  await page.waitForURL(/\/staff\/gallery\/[0-9a-f-]+$/);
  await assertAccessible(page, assert, 'staff entry page');
  const entryUrl = page.url();
  const reference = (await page.locator('#reference').textContent()).trim();
  assert.match(reference, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/);

  // The organisation's administrator (enrolling the second factor first)
  // sets the public contact that entries and posters show.
  const admin = await signedIn('org-admin@redcross-be.example');
  await admin.page.waitForURL(/\/account\/second-factor/);
  const secret = (await admin.page.locator('#totp-secret').textContent()).trim();
  await admin.page.getByLabel(/code/i).fill(totp(secret));
  await admin.page.getByRole('button', { name: /confirm|enrol|activate/i }).click();
  await admin.page.locator('li code').first().waitFor();
  await admin.page.goto(`${server.url}/org/contact`);
  await assertAccessible(admin.page, assert, 'public contact settings');
  await admin.page.locator('#public_phone').fill('+32 2 555 01 23');
  await admin.page.locator('#public_email').fill('tracing@redcross-be.example');
  await admin.page.locator('#public_details').fill('Rue Haute 1, Brussels\nMonday to Friday 9:00-17:00');
  await admin.page.locator('#save-contact').click();
  await admin.page.locator('#contact-saved').waitFor();
  await admin.context.close();

  // The poster in four languages, with the organisation's contact, prints
  // on one A4 page: photo, text and QR code.
  await page.goto(`${entryUrl}/poster?lang=en,fr,es,ar`);
  assert.match(await page.locator('#poster-org').textContent(), /Monday to Friday/);
  await page.emulateMedia({ media: 'print' });
  const qr = await page.locator('.poster-qr svg').boundingBox();
  assert.ok(qr && qr.height > 50, 'the QR code is shown in print');
  const printed = await page.pdf({ format: 'A4' });
  const pages = printed.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
  assert.equal(pages.length, 1, 'the poster prints on one page');
  await page.emulateMedia({ media: 'screen' });

  // A visitor, signed out, in a fresh browser context.
  const visitor = await browser.newContext({ locale: 'en-GB' });
  const public_ = await visitor.newPage();
  await public_.goto(`${server.url}/gallery?relationship=brother&region=middle_east`);
  await assertAccessible(public_, assert, 'public gallery');
  const card = public_.locator('.gallery-card a', { hasText: reference });
  await assert.doesNotReject(card.waitFor());
  const galleryHtml = await public_.content();
  assertNoSecrets(galleryHtml, 'the gallery');
  await card.click();
  await public_.waitForURL(new RegExp(`/gallery/${reference}$`));
  await assertAccessible(public_, assert, 'public entry page');
  const entryHtml = await public_.content();
  assert.match(entryHtml, /brother/);
  assert.match(await public_.locator('#responsible').textContent(), /\+32 2 555 01 23/);
  assertNoSecrets(entryHtml, 'the entry page');
  const imageSrc = await public_.locator('.gallery-entry img').getAttribute('src');
  const image = await visitor.request.get(`${server.url}${imageSrc}`);
  assert.equal(image.status(), 200);
  const bytes = await image.body();
  for (const marker of ['Exif', 'GPS', 'ICC_PROFILE', 'http://ns.adobe.com/xap']) {
    assert.ok(!bytes.includes(Buffer.from(marker)), `${marker} in the served image`);
  }

  // Arabic, right to left.
  await public_.getByRole('button', { name: 'العربية' }).click();
  await public_.waitForLoadState();
  assert.equal(await public_.locator('html').getAttribute('dir'), 'rtl');
  await assertAccessible(public_, assert, 'public entry page in Arabic');
  await public_.getByRole('button', { name: 'English' }).click();
  await public_.waitForLoadState();

  // The report form has a time trap: a person takes a few seconds to write.
  await public_.locator('#message').fill('I think I met your brother in Athens last month.');
  await public_.locator('#contact').fill('visitor@example.org');
  await public_.waitForTimeout(3500);
  await public_.locator('#send-report').click();
  await public_.waitForURL(/\/thanks$/);
  await assertAccessible(public_, assert, 'thanks page');

  // The report is in the Belgian queue, not sent to the enquirer.
  await page.goto(`${server.url}/staff/reports`);
  await assertAccessible(page, assert, 'reports queue');
  await page.locator('table a').first().click();
  await page.waitForURL(/\/staff\/reports\/[0-9a-f-]+$/);
  assert.match(await page.content(), /met your brother in Athens/);
  await page.locator('#mark-useful').click();
  await page.waitForURL(/\/staff\/reports\/[0-9a-f-]+$/);
  assert.match(await page.locator('#report-status').textContent(), /Useful/);

  // Another organisation sees no report and no entry.
  const fr = await signedIn('caseworker@redcross-fr.example');
  await fr.page.goto(`${server.url}/staff/reports`);
  assert.ok(!(await fr.page.content()).includes('Athens'));
  const foreign = await fr.page.goto(entryUrl);
  assert.equal(foreign.status(), 404);

  // Take down without the box ticked: the browser keeps the form (the box
  // is required, no script involved) and the entry stays public.
  await page.goto(entryUrl);
  await page.locator('#take-down').click();
  assert.equal(
    await page.locator('#take-down-confirm').evaluate((box) => box.validity.valueMissing),
    true,
  );
  assert.equal(page.url(), entryUrl);
  const stillThere = await visitor.request.get(`${server.url}/gallery/${reference}`);
  assert.equal(stillThere.status(), 200);

  // Take down: the entry, its page and its images are gone.
  await page.locator('#take-down-confirm').check();
  await page.locator('#take-down').click();
  await page.waitForURL(/\/staff\/gallery$/);
  const gone = await visitor.request.get(`${server.url}/gallery/${reference}`);
  assert.equal(gone.status(), 404);
  const goneImage = await visitor.request.get(`${server.url}${imageSrc}`);
  assert.equal(goneImage.status(), 404);
  const staffGone = await page.goto(entryUrl);
  assert.equal(staffGone.status(), 404);
  await public_.goto(`${server.url}/gallery?relationship=brother&region=middle_east`);
  assert.ok(!(await public_.content()).includes(reference));

  await visitor.close();
  await be.context.close();
  await fr.context.close();
});
