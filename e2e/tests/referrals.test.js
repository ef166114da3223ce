// Information and referral on a phone-sized screen: the demo coach opens a Spanish-speaking person
// on their caseload, finds a resource for a housing need that speaks Spanish near a place (by
// latitude and longitude), opens it, and refers the person sharing their details. The referral is
// refused for want of a consent; the coach records the person's consent for that resource's
// organisation and sends it. The referral then names its consent, the disclosure is in the
// person's accounting of disclosures, and the person's referral sheet prints in Spanish.
// axe-core, label and fits-the-screen checks run on every page the coach fills in.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_USERS,
  PHONE,
  assertCrisisLink,
  assertFitsScreen,
  assertFormsLabelled,
  checkAxe,
  launchBrowser,
  newPage,
  signIn,
  startServer,
  withArtifacts,
} from './support.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PERSON_PATH = new RegExp(`^/people/(${UUID})$`, 'i');
const REFERRAL_PATH = new RegExp(`^/people/(${UUID})/referrals/(${UUID})$`, 'i');
const CONSENT_PATH = new RegExp(`^/people/(${UUID})/consents/(${UUID})$`, 'i');
const pathOf = (page) => new URL(page.url()).pathname;

// The demo organisation's time zone (src/demo.rs), for today's date on the forms.
const ORG_TIME_ZONE = 'America/New_York';
const dayInOrg = (offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ORG_TIME_ZONE }).format(new Date(Date.now() + offsetDays * 86_400_000));

// The centre of Port Alder, the synthetic directory's city (src/directory/synthetic.rs).
const PLACE = { lat: '43.6615', lon: '-70.2553' };

// The narrowest phone the pages are made for (PHONE is 390 px wide).
const NARROW_PHONE = Object.freeze({ width: 360, height: 740 });

const SHARED = ['identity', 'contact-details', 'reason-for-referral'];

describe('referrals on a phone', () => {
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

  const serverTail = (lines = 30) => server.output().trimEnd().split('\n').slice(-lines).join('\n');

  /** The usual checks for a page on a phone; the fit is checked on a narrower 360 px phone too. */
  async function checkPage(page, label) {
    await assertCrisisLink(page);
    await checkAxe(page, label);
    await assertFormsLabelled(page, label);
    await assertFitsScreen(page, label);
    const size = page.viewportSize();
    await page.setViewportSize(NARROW_PHONE);
    try {
      await assertFitsScreen(page, `${label} at ${NARROW_PHONE.width} px`);
    } finally {
      await page.setViewportSize(size);
    }
  }

  /** Taps `act` (a button that submits a form) and returns the response to that POST. */
  async function submit(page, act) {
    const posted = page.waitForResponse((res) => res.request().method() === 'POST' && res.request().isNavigationRequest());
    await act();
    const res = await posted;
    await page.waitForLoadState('load');
    return res;
  }

  /** A flash notice of `kind` in <main> says `text`. */
  async function assertFlash(page, kind, text) {
    const flash = page.locator(`main .notice-${kind}[role="status"]`).filter({ hasText: text });
    await assert.doesNotReject(flash.first().waitFor(), `${kind} flash "${text}" shown on ${page.url()}`);
  }

  /** The value shown beside the summary-list label `label`. */
  async function summaryValue(page, label) {
    const row = page.locator('main .summary-row').filter({ has: page.locator('dt', { hasText: label }) }).first();
    return (await row.locator('dd').textContent())?.trim() ?? '';
  }

  /** Fills the referral form for a housing need, shared details and a warm hand-off. */
  async function fillReferral(page) {
    await page.locator('#need').selectOption('housing');
    await page.locator('#need_detail').fill('Behind on rent; the landlord has given notice.');
    await page.locator('input[name="urgency"][value="this-week"]').check();
    await page.locator('input[name="help"][value="warm-handoff"]').check();
    for (const code of SHARED) await page.locator(`input[name="shared"][value="${code}"]`).check();
  }

  test('a coach finds a resource in Spanish near a place and refers a person with consent', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('referrals-consent', page, async () => {
      await signIn(page, DEMO_USERS.coach);
      await page.waitForURL((url) => url.pathname === '/');

      // A Spanish-speaking person on the coach's caseload.
      await page.goto('/caseload');
      const people = [
        ...new Set(
          await page
            .locator('main a[href^="/people/"]')
            // The caseload itself, not the worklist boxes above it (measures due lists people too).
            .evaluateAll((as) =>
              as
                .filter((a) => !a.closest('#measures-due'))
                .map((a) => a.getAttribute('href').match(/^\/people\/[0-9a-f-]{36}/)?.[0])
                .filter((h) => h),
            ),
        ),
      ];
      assert.ok(people.length > 0, 'the coach has people on their caseload');
      // Prefer one with no consent on file yet, so every resource found needs one (the demo's
      // consents follow the real date, so whoever comes first may already have them all).
      let personPath = null;
      let fallback = null;
      for (const href of people) {
        await page.goto(href);
        if ((await summaryValue(page, 'Preferred language')) !== 'Spanish') continue;
        fallback ??= href;
        await page.goto(`${href}/consents`);
        if ((await page.locator('main').textContent()).includes('No consent has been recorded yet.')) {
          personPath = href;
          break;
        }
      }
      personPath ??= fallback;
      if (personPath) await page.goto(personPath);
      assert.ok(personPath, `a Spanish speaker among the coach's ${people.length} people`);
      const personId = personPath.match(PERSON_PATH)[1];
      const personName = (await page.locator('main h1').first().textContent()).trim();

      // From their record to the directory, searching for them.
      await page.locator('main').getByRole('link', { name: 'Referrals', exact: true }).tap();
      await page.waitForURL((url) => url.pathname === `/people/${personId}/referrals`);
      await page.locator(`main a[href="/directory?for_person=${personId}"]`).first().tap();
      await page.waitForURL((url) => url.pathname === '/directory');
      await assert.doesNotReject(
        page.locator('main .notice-info').filter({ hasText: 'Spanish' }).first().waitFor(),
        'the search says whom it is for and their language',
      );
      await checkPage(page, 'directory search for a person');

      // A housing need, offered in Spanish, near the city centre.
      await page.locator('#q').fill('housing');
      const filters = page.locator('main details').filter({ has: page.locator('#language') });
      if (!(await filters.evaluate((d) => d.open))) await filters.locator('summary').tap();
      await page.locator('#language').selectOption('es');
      await page.locator('#lat').fill(PLACE.lat);
      await page.locator('#lon').fill(PLACE.lon);
      await page.locator('#within').selectOption('10');
      await page.getByRole('button', { name: 'Apply filters' }).tap();
      await page.waitForURL((url) => url.pathname === '/directory' && url.searchParams.get('language') === 'es');
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('q'), 'housing');
      assert.equal(url.searchParams.get('for_person'), personId, 'the search stays about the person');
      assert.equal(url.searchParams.get('lat'), PLACE.lat);
      const results = await page.locator('main .result-list > li').evaluateAll((lis) =>
        lis.map((li) => ({
          name: li.querySelector('a.result-name')?.textContent.trim(),
          href: li.querySelector('a.result-name')?.getAttribute('href'),
          refer: li.querySelector('a[href*="/referrals/new?"]')?.getAttribute('href'),
          text: li.textContent.replace(/\s+/g, ' '),
        })),
      );
      assert.ok(results.length > 0, `housing resources in Spanish near the centre${await page.locator('main').textContent()}`);
      for (const r of results) {
        assert.match(r.text, /Spanish/, `${r.name} offers Spanish`);
        assert.match(r.text, /\d+(\.\d+)? (mi|km)/, `${r.name} shows its distance`);
        assert.ok(r.refer, `${r.name} has a refer button for the person`);
      }
      await checkPage(page, 'directory results');

      // Open the first result: the resource's facts, in Spanish among its languages.
      await page.locator('main a.result-name').first().tap();
      await page.waitForURL((url) => url.pathname === results[0].href);
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: results[0].name }).waitFor());
      assert.match(await page.locator('main').textContent(), /Spanish/, 'the resource lists Spanish');
      await checkPage(page, `resource page (${results[0].name})`);

      // Refer the person to a result whose organisation they have not consented to share with.
      let chosen = null;
      for (const r of results) {
        await page.goto(r.refer);
        if ((await page.locator('main .consent-standing').textContent()).includes('No consent on file for this resource.')) {
          chosen = r;
          break;
        }
      }
      assert.ok(chosen, 'a result without a consent on file for its organisation');
      const referPath = chosen.refer;
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Make a referral' }).waitFor());
      await checkPage(page, 'new referral form');
      await fillReferral(page);
      let res = await submit(page, () => page.getByRole('button', { name: 'Send referral' }).tap());
      assert.equal(res.status(), 422, `sending without consent is refused\n${serverTail()}`);
      const refusal = page.locator('main #consent[role="alert"]');
      await assert.doesNotReject(refusal.waitFor(), 'the refusal explains itself');
      assert.match(await refusal.textContent(), /This referral cannot be sent yet/);
      for (const code of SHARED) {
        assert.ok(await page.locator(`input[name="shared"][value="${code}"]`).isChecked(), `${code} still ticked`);
      }
      await checkPage(page, 'refused referral');

      // Record the person's consent for that organisation.
      await refusal.getByRole('link', { name: 'Record a consent' }).tap();
      await page.waitForURL((url) => url.pathname === `/people/${personId}/consents/new`);
      const organisation = (await page.locator('#recipient strong').textContent()).trim();
      assert.ok(organisation.length > 0, 'the recipient organisation is filled in');
      await checkPage(page, 'new consent form');
      for (const code of SHARED) await page.locator(`input[name="categories"][value="${code}"]`).check();
      await page.locator('#information_detail').fill('Name, phone number and address, and that they need help with housing.');
      await page.locator('input[name="purposes"][value="referral"]').check();
      await page.locator('#expires_on').fill(dayInOrg(365));
      await page.locator('#signed_on').fill(dayInOrg());
      await page.locator('input[name="signer"][value="person"]').check();
      await page.locator('input[name="signature_method"][value="electronic"]').check();
      await page.locator('#revocation_explained').check();
      res = await submit(page, () => page.getByRole('button', { name: 'Record the consent', exact: true }).tap());
      assert.equal(res.status(), 303, `the consent is recorded\n${serverTail()}`);
      await page.waitForURL((url) => CONSENT_PATH.test(url.pathname));
      assert.match(await page.locator('main').textContent(), new RegExp(organisation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

      // Send the referral again: now it goes, under that consent.
      await page.goto(referPath);
      assert.ok(
        !(await page.locator('main .consent-standing').textContent()).includes('No consent on file'),
        'the form shows the new consent',
      );
      await fillReferral(page);
      res = await submit(page, () => page.getByRole('button', { name: 'Send referral' }).tap());
      assert.equal(res.status(), 303, `the referral is sent\n${serverTail()}`);
      await page.waitForURL((url) => REFERRAL_PATH.test(url.pathname));
      const referralPath = pathOf(page);
      await assertFlash(page, 'success', 'Referral sent.');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: new RegExp(chosen.name) }).waitFor());
      assert.match(await summaryValue(page, 'Consent used'), new RegExp(organisation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.equal(await summaryValue(page, 'Referred on'), dayInOrg());
      await checkPage(page, 'the referral');

      // The disclosure is in the person's accounting of disclosures: today, to the organisation,
      // for the referral, under the consent just recorded.
      await page.goto(`/people/${personId}/disclosures`);
      const disclosure = page
        .locator('main #accounting li.card')
        .filter({ has: page.locator('h3', { hasText: `${dayInOrg()} ` }) })
        .filter({ has: page.locator('h3', { hasText: organisation }) })
        .first();
      await assert.doesNotReject(disclosure.waitFor(), 'the referral is in the accounting of disclosures');
      const row = (await disclosure.textContent()).replace(/\s+/g, ' ');
      assert.match(row, /Referral to a service/, 'for the referral');
      assert.match(row, new RegExp(`Consent signed ${dayInOrg()}`), 'under the new consent');
      await checkPage(page, 'accounting of disclosures');

      // The person's referral sheet, in Spanish.
      await page.goto(referralPath);
      await page.getByRole('link', { name: 'Printout for the person' }).tap();
      await page.waitForURL((url) => url.pathname === `${referralPath}/print`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'es', 'printed in Spanish');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Dónde pedir ayuda' }).waitFor());
      const sheet = await page.locator('main').textContent();
      assert.ok(sheet.includes(chosen.name), 'the sheet names the resource');
      assert.ok(sheet.includes(personName.split(' ')[0]), 'the sheet greets the person');
      await checkAxe(page, 'referral printout');
      await assertFitsScreen(page, 'referral printout');
    });
    await page.context().close();
  });
});
