// CSV import (issue 18) in a real browser: a Belgian caseworker of the demo
// maps the columns of a spreadsheet, runs a dry run that says row by row
// what would be created, what is a duplicate and what is refused (and then
// offers no import), corrects the file, ticks "create anyway" on the one
// duplicate, imports, and watches the progress bar fill on the job's page,
// which then lists the rows created with a link to each person. axe-core on
// every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, assertAccessible, signInAs } from '../support.js';

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

const HEADER = 'Ref;Enquirer;Link;Missing person;Born\n';
const GOOD = 'R1;Zainab Qaderi;sister;Farida Qaderi;1994\n'
  + 'R2;Yusuf Karimi;brother;Idris Karimi;1988\n'
  + 'R3;Yusuf Karimi;brother;Idris  Karimi;1988\n';
// Born in the future: refused.
const BAD = 'R4;Layla Rahimi;mother;Samira Rahimi;2999\n';

function file(name, text) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf-8') };
}

async function dryRun(page, name, text) {
  await page.goto(`${server.url}/import/csv`);
  await page.locator('#kind').selectOption('requests');
  await page.locator('#file').setInputFiles(file(name, text));
  await page.getByRole('button', { name: /^dry run$/i }).click();
  await page.locator('#import-summary').waitFor();
  return (await page.locator('#import-summary').textContent()).replace(/\s+/g, ' ');
}

test('a CSV file is mapped, dry-run, a duplicate created anyway, and the progress bar fills', async () => {
  const be = await signInAs(browser, server.url, 'caseworker@redcross-be.example');
  const { page } = be;

  // The column mapping: a preview of the file, then each field given its column.
  await page.goto(`${server.url}/import/csv/mapping?kind=requests`);
  await page.locator('#kind').selectOption('requests');
  await page.locator('#file').setInputFiles(file('people.csv', HEADER + GOOD + BAD));
  await page.getByRole('button', { name: /^preview$/i }).click();
  await page.locator('#mapping-preview').waitFor();
  assert.match(await page.locator('#mapping-preview').textContent(), /Farida Qaderi/);
  await assertAccessible(page, assert, 'mapping preview');
  await page.locator('#map-row_id').fill('Ref');
  await page.locator('#map-enquirer_name').fill('Enquirer');
  await page.locator('#map-relationship').fill('Link');
  await page.locator('#map-sought_name').fill('Missing person');
  await page.locator('#map-sought_birth_date').fill('Born');
  await page.getByRole('button', { name: /save the mapping/i }).click();
  await page.locator('#mapping-saved').waitFor();

  // A dry run with a refused row: every row's fate, and nothing to import.
  const refused = await dryRun(page, 'people.csv', HEADER + GOOD + BAD);
  assert.match(refused, /4 rows: 2 to create, 1 duplicates, not created, 0 already imported, 1 refused/);
  assert.match(await page.locator('#import-row-2').textContent(), /will be created/);
  assert.match(await page.locator('#import-row-4').textContent(), /duplicate of line\s*3/);
  assert.match(await page.locator('#import-row-5').textContent(), /refused/);
  assert.match(await page.locator('#import-row-5').getAttribute('class'), /refused/);
  assert.equal(await page.locator('#import-commit').count(), 0, 'no import while a row is refused');
  await assertAccessible(page, assert, 'dry run with a refused row');

  // Corrected: the duplicate is offered "create anyway", not ticked.
  const planned = await dryRun(page, 'people.csv', HEADER + GOOD);
  assert.match(planned, /3 rows: 2 to create, 1 duplicates, not created, 0 already imported, 0 refused/);
  const boxes = page.locator('input[name="create_anyway"]');
  assert.equal(await boxes.count(), 1, 'only the duplicate has a box');
  const anyway = page.locator('#create-anyway-4');
  assert.equal(await anyway.isChecked(), false, 'nothing ticked by default');
  await assertAccessible(page, assert, 'dry run with a duplicate');
  await anyway.check();
  await page.locator('#import-commit').click();
  await page.waitForURL(/\/import\/csv\/jobs\/[^/?]+$/);

  // The job's page refreshes itself while the rows are stored: the bar's
  // value never goes back and ends at its maximum.
  const seen = [];
  for (let i = 0; i < 120; i += 1) {
    try {
      const bar = page.locator('#import-progress');
      if (await bar.count() > 0) {
        seen.push([Number(await bar.getAttribute('value')), Number(await bar.getAttribute('max'))]);
      }
      if (await page.locator('#import-summary').count() > 0) break;
    } catch {
      // The page was reloading.
    }
    await page.waitForTimeout(500);
  }
  await page.locator('#import-summary').waitFor();
  assert.ok(seen.length > 0, 'the progress bar was shown');
  const [value, max] = seen[seen.length - 1];
  assert.equal(value, max, `the bar is full: ${JSON.stringify(seen)}`);
  assert.equal(max, 3);
  for (let i = 1; i < seen.length; i += 1) {
    if (seen[i][1] === seen[i - 1][1]) assert.ok(seen[i][0] >= seen[i - 1][0], JSON.stringify(seen));
  }
  const summary = (await page.locator('#import-summary').textContent()).replace(/\s+/g, ' ');
  assert.match(summary, /3 created \(1 of them duplicates created anyway\)/);
  const created = page.locator('#import-created tbody tr');
  assert.equal(await created.count(), 3);
  const rows = await created.evaluateAll((trs) => trs.map((tr) => [...tr.cells]
    .map((td) => td.textContent.replace(/\s+/g, ' ').trim()).join(' | ')));
  assert.deepEqual(rows, [
    '2 | Farida Qaderi | created',
    '3 | Idris Karimi | created',
    '4 | Idris Karimi | created anyway: duplicate of line 3',
  ]);
  await assertAccessible(page, assert, 'import finished');

  // Each row links to the person created.
  const href = await created.nth(0).locator('a').getAttribute('href');
  assert.match(href, /^\/persons\/[0-9a-f-]+$/);
  await page.goto(`${server.url}${href}`);
  assert.match(await page.locator('main').textContent(), /Farida Qaderi/);

  // The same file again: nothing new to import.
  const again = await dryRun(page, 'people.csv', HEADER + GOOD);
  assert.match(again, /0 to create, 0 duplicates, not created, 3 already imported/);
  assert.equal(await page.locator('#import-commit').count(), 0);
  await be.context.close();
});
