// The transnational referral story in a real browser: the French Red
// Cross registers a person and records her consent to share with Albania;
// its referral officer fills the referral (services, risk assessment, what
// is shared), works the identification and referral checklists and sends
// it to the Albanian shelter; the shelter accepts, works assistance and
// monitoring with its checklist, reports back and closes with an outcome;
// France sees the timeline. axe-core on every page.
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

// Ticks every open step of the current stage, then closes the stage.
async function workCurrentStage(page) {
  for (;;) {
    const done = page.getByRole('button', { name: /^done$/i });
    if ((await done.count()) === 0) break;
    await done.first().click();
    await page.waitForLoadState('load');
  }
  await page.getByRole('button', { name: /close this stage/i }).click();
  await page.waitForLoadState('load');
}

test('a person referred from France to Albania, assisted, reported back and closed', async () => {
  const caseworker = await signedIn('caseworker@redcross-fr.example');
  const fr = await signedIn('referral-officer@redcross-fr.example');
  const al = await signedIn('referral-officer@shelter-al.example');

  // France identifies the person and records her consent to share with Albania.
  await caseworker.page.goto(`${server.url}/registrations/new`);
  await caseworker.page.locator('input[name="kind"][value="safe"]').check();
  await caseworker.page.locator('#p_name_1').fill('Valbona Krasniqi');
  await caseworker.page.locator('#p_sex').selectOption('female');
  await caseworker.page.locator('#p_nationalities').fill('AL');
  await caseworker.page.getByRole('button', { name: /^save$/i }).click();
  await caseworker.page.waitForURL(/\/persons\/[0-9a-f-]+$/);
  await caseworker.page.locator('#purpose').selectOption('sharing');
  await caseworker.page.locator('#basis').selectOption('self');
  await caseworker.page.locator('#countries').fill('AL');
  await caseworker.page.getByRole('button', { name: /^record$/i }).click();
  await caseworker.page.waitForURL(/#consents$/);

  // The referral officer fills the referral.
  await fr.page.goto(`${server.url}/referrals?box=outbox`);
  await assertAccessible(fr.page, assert, 'outbox');
  await fr.page.getByRole('link', { name: /new referral/i }).click();
  await assertAccessible(fr.page, assert, 'referral form');
  await fr.page.locator('#person').selectOption({ label: 'Valbona Krasniqi' });
  await fr.page.locator('#to_organisation').selectOption({ label: 'Albanian Anti-Trafficking Shelter (demo NGO) (AL)' });
  await fr.page.locator('#purpose').fill('Safe return to Shkodër and reintegration support');
  await fr.page.getByLabel('Shelter', { exact: true }).check();
  await fr.page.getByLabel('Safe return').check();
  await fr.page.locator('#urgency').selectOption('urgent');
  await fr.page.locator('#risk_level').selectOption('high');
  await fr.page.locator('#risk_who').fill('Valbona and her younger brother');
  await fr.page.locator('#risk_from').fill('the recruiter who organised the journey');
  await fr.page.locator('#risk_plan').fill('Meet only at the shelter; no contact with the home village before assessment');
  await fr.page.locator('input[name="share_identity"]').check();
  await fr.page.getByRole('button', { name: /send the referral/i }).click();
  await fr.page.waitForURL(/\/referrals\/[0-9a-f-]+$/);
  const referralPath = new URL(fr.page.url()).pathname;
  await assertAccessible(fr.page, assert, 'referral page (sender)');
  // The screening tool, filled on screen and saved to the referral.
  await fr.page.getByRole('link', { name: /first-contact screening/i }).click();
  await assertAccessible(fr.page, assert, 'screening tool');
  await fr.page.locator('input[name="f_deceived_about_work"][value="yes"]').check();
  await fr.page.locator('input[name="f_documents_withheld"][value="yes"]').check();
  await fr.page.locator('input[name="f_debt_bondage"][value="no"]').check();
  await fr.page.locator('#f_notes').fill('Passport kept by the employer in Marseille');
  await fr.page.getByRole('button', { name: /save to the referral/i }).click();
  await fr.page.waitForURL(/\/tool-entries\//);
  assert.ok((await fr.page.locator('main').textContent()).includes('Passport kept by the employer'));
  await assertAccessible(fr.page, assert, 'filled screening tool');
  await fr.page.goto(`${server.url}${referralPath}`);
  await workCurrentStage(fr.page); // identification
  await workCurrentStage(fr.page); // referral
  let text = await fr.page.locator('main').textContent();
  assert.match(text, /Stage closed/);

  // Albania: the inbox, the shared parts only, acceptance.
  await al.page.goto(`${server.url}/referrals`);
  await assertAccessible(al.page, assert, 'inbox');
  await al.page.locator(`a[href="${referralPath}"]`).click();
  await al.page.waitForURL(/\/referrals\/[0-9a-f-]+$/);
  text = await al.page.locator('main').textContent();
  assert.ok(text.includes('Valbona Krasniqi'), 'shared identity');
  assert.ok(!text.includes('younger brother'), 'the risk assessment was not shared');
  assert.ok(text.includes('referral-officer@redcross-fr.example'), 'the sender contact');
  await assertAccessible(al.page, assert, 'referral page (receiver)');
  await al.page.locator('input[name="decision"][value="accept"]').check();
  await al.page.getByRole('button', { name: /record the decision/i }).click();
  await al.page.waitForLoadState('load');
  await al.page.getByRole('button', { name: /start the assistance/i }).click();
  await al.page.waitForLoadState('load');
  await workCurrentStage(al.page); // assistance
  await al.page.locator('#text').fill('Valbona is settled at the shelter; medical follow-up weekly.');
  await al.page.getByLabel(/report to the other organisation/i).check();
  await al.page.getByRole('button', { name: /add the update/i }).click();
  await al.page.waitForLoadState('load');
  await workCurrentStage(al.page); // monitoring
  await al.page.locator('#outcome').selectOption('returned_safely');
  await al.page.locator('#note').fill('Returned with her family’s support.');
  await al.page.getByRole('button', { name: /close the referral/i }).click();
  await al.page.waitForLoadState('load');
  await assertAccessible(al.page, assert, 'closed referral (receiver)');

  // France sees what Albania reported, and the outcome.
  await fr.page.goto(`${server.url}${referralPath}`);
  text = await fr.page.locator('main').textContent();
  assert.ok(text.includes('settled at the shelter'), 'reported update');
  assert.ok(text.includes('Returned safely'), 'the outcome');
  assert.ok(text.includes('referral-officer@shelter-al.example'), 'the receiver contact');
  await assertAccessible(fr.page, assert, 'closed referral (sender)');

  // Arabic, right to left.
  await fr.page.goto(`${server.url}/referrals?box=outbox`);
  await fr.page.getByRole('button', { name: 'العربية' }).click();
  await fr.page.waitForLoadState('load');
  assert.equal(await fr.page.locator('html').getAttribute('dir'), 'rtl');
  assert.match(await fr.page.locator('h1').textContent(), /الإحالات المرسلة/);
  await assertAccessible(fr.page, assert, 'outbox in Arabic');
});
