// The participant portal on a phone-sized screen: a demo portal user (a person served, not staff)
// signs in at /my/sign-in, reads their plan, suggests a change to a goal, gives feedback and sees
// it listed, reads their contacts and groups, and downloads their own record (printable page and
// JSON, without note text) and the accounting of disclosures. axe-core, label, crisis-link and
// fits-the-screen checks run on every page the person opens.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD,
  PHONE,
  assertCrisisLink,
  assertFitsScreen,
  assertFormsLabelled,
  checkAxe,
  launchBrowser,
  newPage,
  startServer,
  withArtifacts,
} from './support.js';

// The demo's first portal user (src/portal/mod.rs DEMO_USERS): on the coach's caseload, with a
// plan, suggestions waiting for the coach, and no sign-in code.
const PORTAL_USER = 'alex.portal@demo.example';
const NARROW_PHONE = Object.freeze({ width: 360, height: 740 });
const stamp = Date.now().toString(36);

describe('participant portal on a phone', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseURL, PHONE);
  });

  after(async () => {
    await page?.context().close();
    await browser?.close();
    await server?.stop();
  });

  const serverTail = (lines = 30) => server.output().trimEnd().split('\n').slice(-lines).join('\n');

  async function checkPage(label) {
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
    // Every tap target in the portal's own navigation is at least 44 px tall.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('.portal-nav a, main button, main .portal-links a')]
        .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
        .map((el) => el.textContent.trim()),
    );
    assert.deepEqual(small, [], `${label}: targets at least 44 px tall`);
  }

  async function open(path) {
    const res = await page.goto(path);
    assert.equal(res.status(), 200, `GET ${path}\n${serverTail()}`);
  }

  async function submit(act) {
    const posted = page.waitForResponse((res) => res.request().method() === 'POST' && res.request().isNavigationRequest());
    await act();
    const res = await posted;
    await page.waitForLoadState('load');
    return res;
  }

  async function assertFlash(text) {
    const flash = page.locator('main .notice-success[role="status"]').filter({ hasText: text });
    await assert.doesNotReject(flash.first().waitFor(), `flash "${text}" shown on ${page.url()}`);
  }

  test('the person signs in with their own password and sees only their own home page', async () => {
    await withArtifacts('portal-sign-in', page, async () => {
      await open('/my');
      assert.equal(new URL(page.url()).pathname, '/my/sign-in', 'signed-out visitors are sent to the portal sign-in');
      await checkPage('portal sign-in');
      await page.getByText('Ask your coach or the front desk to send you a new invitation link').waitFor();
      // A wrong password gets the same words as an unknown address.
      await page.locator('#email').fill(PORTAL_USER);
      await page.locator('#password').fill('not the password');
      const refused = await submit(() => page.getByRole('button', { name: 'Sign in' }).click());
      assert.equal(refused.status(), 422);
      await page.getByText('The e-mail address or password is not right').waitFor();
      await checkPage('portal sign-in with an error');
      await page.locator('#password').fill(DEMO_PASSWORD);
      await submit(() => page.getByRole('button', { name: 'Sign in' }).click());
      assert.equal(new URL(page.url()).pathname, '/my', serverTail());
      await page.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
      await checkPage('portal home');
      // No staff navigation in the portal.
      assert.equal(await page.locator('a[href="/people"], a[href="/caseload"]').count(), 0);
    });
  });

  test('the plan shows the goals in the person\'s words and takes a suggestion', async () => {
    await withArtifacts('portal-plan', page, async () => {
      await page.locator('.portal-nav a[href="/my/plan"]').click();
      await page.waitForURL((url) => url.pathname === '/my/plan');
      await page.getByRole('heading', { level: 2, name: 'My goals' }).waitFor();
      await checkPage('my plan');
      const goals = await page.locator('main .portal-card h3').allTextContents();
      assert.ok(goals.length > 0, 'the plan has goals');

      // Nothing typed: the error summary and the field say what to do.
      await page.locator('input[name="kind"][value="change"]').check();
      const options = await page.locator('#goal_id option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
      await page.locator('#goal_id').selectOption(options[0]);
      const empty = await submit(() => page.getByRole('button', { name: 'Send to my coach' }).click());
      assert.equal(empty.status(), 422);
      await page.locator('.error-summary').getByText('Fill this in').waitFor();
      await checkPage('my plan with an error');

      const words = `Two evenings a week feels right for me (${stamp})`;
      await page.locator('#body').fill(words);
      await submit(() => page.getByRole('button', { name: 'Send to my coach' }).click());
      assert.match(new URL(page.url()).pathname, /^\/my\/plan\/suggestions\/[0-9a-f-]{36}$/);
      await assertFlash('Your suggestion was sent to your coach.');
      await page.getByText(words).waitFor();
      await page.getByText('Waiting for your coach').first().waitFor();
      await checkPage('my suggestion');
    });
  });

  test('the person gives feedback and sees it listed', async () => {
    await withArtifacts('portal-feedback', page, async () => {
      await open('/my/feedback');
      await checkPage('feedback');
      await page.locator('input[name="kind"][value="suggestion"]').check();
      const text = `Could the Thursday group have a quiet corner? (${stamp})`;
      await page.locator('#body').fill(text);
      await submit(() => page.getByRole('button', { name: 'Send feedback' }).click());
      await assertFlash('Thank you. Your feedback was sent.');
      await page.locator('#mine').waitFor();
      await page.locator('main .portal-list').getByText(text).waitFor();
      await checkPage('feedback after sending');
      await open('/my/changes');
      await checkPage('you said, we did');
    });
  });

  test('contacts and groups show times, places and who, never notes', async () => {
    await withArtifacts('portal-contacts', page, async () => {
      await open('/my/contacts');
      await page.getByRole('heading', { level: 2, name: 'Recent contacts with your coach' }).waitFor();
      await checkPage('contacts');
      await open('/my/groups');
      await checkPage('groups');
      const first = page.locator('main .portal-card h2 a').first();
      if ((await first.count()) > 0) {
        await first.click();
        await page.waitForURL((url) => /^\/my\/groups\/[0-9a-f-]{36}$/.test(url.pathname));
        await checkPage('one group');
      }
    });
  });

  test('the person downloads their own record and the accounting of disclosures', async () => {
    await withArtifacts('portal-records', page, async () => {
      await open('/my/records');
      await checkPage('my records');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('main a[href="/my/records/record.json"]').click(),
      ]);
      assert.equal(download.suggestedFilename(), 'my-record.json');
      const record = JSON.parse(readFileSync(await download.path(), 'utf8'));
      assert.ok(Array.isArray(record.plans) && record.plans.length > 0, 'the record holds the plan');
      assert.ok(Array.isArray(record.contacts), 'the record lists contacts');
      for (const c of record.contacts) {
        assert.deepEqual(Object.keys(c).sort(), ['at', 'minutes', 'mode', 'setting', 'with'], 'contacts carry no note text');
      }
      await open('/my/records/record.html');
      await page.getByRole('heading', { level: 1, name: 'My record' }).waitFor();
      await checkPage('printable record');
      await open('/my/records/disclosures');
      await page.getByRole('heading', { level: 1, name: 'Who my information was shared with' }).waitFor();
      await checkPage('accounting of disclosures');
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('main a[href="/my/records/disclosures.csv"]').click(),
      ]);
      assert.match(readFileSync(await csv.path(), 'utf8'), /^When,Shared with,What,Why,How,Consent signed/);
    });
  });

  test('the portal switches to Spanish and signs out', async () => {
    await withArtifacts('portal-language', page, async () => {
      await open('/my');
      await page.locator('#portal-lang').selectOption('es');
      await submit(() => page.getByRole('button', { name: 'Change language' }).click());
      await page.getByRole('heading', { level: 1, name: /^Hola, / }).waitFor();
      await checkAxe(page, 'home in Spanish');
      await page.locator('#portal-lang').selectOption('en');
      await submit(() => page.getByRole('button', { name: 'Cambiar idioma' }).click());
      await submit(() => page.getByRole('button', { name: 'Sign out' }).click());
      assert.equal(new URL(page.url()).pathname, '/my/sign-in');
      const res = await page.goto('/my/plan');
      assert.equal(new URL(page.url()).pathname, '/my/sign-in', `signed out (${res.status()})`);
    });
  });
});
