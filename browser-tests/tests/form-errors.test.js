// A form error round trip in French and Arabic (issue 15): a new request
// with three mistakes comes back on the same page with every value kept,
// every error translated, the fields marked aria-invalid and the focus on
// the error summary; axe-core finds nothing serious on the error page.
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

async function signedIn(email, lang) {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await page.locator(`form.languages button[value="${lang}"]`).click();
  await page.waitForLoadState('load');
  return { context, page };
}

const cases = [
  { lang: 'fr', month: 'le mois doit être compris entre 01 et 12', day: 'n’a pas de jour 30' },
  { lang: 'ar', month: 'يجب أن يكون الشهر من 01 إلى 12', day: 'لا يوجد اليوم 30' },
];

for (const { lang, month, day } of cases) {
  test(`a refused request keeps what was typed and explains every error (${lang})`, async () => {
    const { context, page } = await signedIn('caseworker@redcross-be.example', lang);
    await page.goto(`${server.url}/requests/new`);
    const typed = {
      '#e_name_1': 'Selam Tesfay',
      '#e_birth_date': '1990-13',
      '#s_name_1': 'Zerihun Tesfay',
      '#s_birth_date': '1994-02-30',
      '#c_countries': 'ZZ',
      '#c_narrative': 'Séparés près de Koufra — انفصلا قرب الكفرة',
    };
    for (const [selector, value] of Object.entries(typed)) {
      await page.locator(selector).fill(value);
    }
    await page.locator('#s_relationship').selectOption('brother');
    await page.locator('#c_context').selectOption('migration');
    await page.locator('form[action="/requests"] button[type="submit"]').click();
    await page.waitForLoadState('load');

    assert.equal(new URL(page.url()).pathname, '/requests');
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    for (const [selector, value] of Object.entries(typed)) {
      assert.equal(await page.locator(selector).inputValue(), value, `${selector} kept`);
    }
    assert.equal(await page.locator('#s_relationship').inputValue(), 'brother');
    const summary = page.locator('#form-error');
    assert.equal(await summary.locator('li').count(), 3);
    const text = await summary.innerText();
    assert.ok(text.includes(month), text);
    assert.ok(text.includes(day), text);
    assert.ok(!/[a-z]+_[a-z]+/.test(text), `no raw code: ${text}`);
    assert.ok(!text.includes('must'), `no English: ${text}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-error');
    for (const id of ['e_birth_date', 's_birth_date', 'c_countries']) {
      const field = page.locator(`#${id}`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true', id);
      const described = await field.getAttribute('aria-describedby');
      assert.ok(described.split(' ').includes(`err-${id}`), `${id}: ${described}`);
      assert.ok((await page.locator(`#err-${id}`).innerText()).length > 0);
    }
    assert.equal(await page.locator('#e_name_1').getAttribute('aria-invalid'), null);
    await assertAccessible(page, assert, `request form with errors (${lang})`);
    await context.close();
  });
}
