// Outcome measures on a phone-sized screen: a coach opens a person's measures from the caseload,
// records a WHO-5 from the form generated from its definition (radios with 44 px targets), and sees
// the result with its reading; a demo portal user completes a measure that is due for them in the
// portal. axe-core, label and fits-the-screen checks run on every page opened.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_PASSWORD,
  DEMO_USERS,
  PHONE,
  assertFitsScreen,
  assertFormsLabelled,
  checkAxe,
  launchBrowser,
  newPage,
  signIn,
  startServer,
  withArtifacts,
} from './support.js';

// The demo's first portal user (src/portal/mod.rs DEMO_USERS); the demo leaves the portal users
// without measurements in the last 100 days, so something is due for them.
const PORTAL_USER = 'alex.portal@demo.example';

describe('outcome measures on a phone', () => {
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

  async function checkPage(page, label) {
    await checkAxe(page, label);
    await assertFormsLabelled(page, label);
    await assertFitsScreen(page, label);
  }

  async function submit(page, act) {
    const posted = page.waitForResponse((res) => res.request().method() === 'POST' && res.request().isNavigationRequest());
    await act();
    const res = await posted;
    await page.waitForLoadState('load');
    return res;
  }

  async function smallTargets(page) {
    return page.evaluate(() =>
      [...document.querySelectorAll('main .measure-choice, main button')]
        .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
        .map((el) => el.textContent.trim()),
    );
  }

  test('a coach records a WHO-5 with the person and reads the result', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    try {
      await withArtifacts('measures-coach', page, async () => {
        await signIn(page, DEMO_USERS.coach);
        await page.waitForURL((url) => url.pathname !== '/login');
        const res = await page.goto('/caseload');
        assert.equal(res.status(), 200, serverTail());
        await page.locator('#measures-due').waitFor();
        // A person on the caseload: the first link to someone's record.
        const href = await page.locator('main a[href^="/people/"]').first().getAttribute('href');
        const person = href.match(/^\/people\/([0-9a-f-]{36})/)[1];

        assert.equal((await page.goto(`/people/${person}/measures`)).status(), 200);
        await page.getByRole('heading', { level: 1, name: 'Measures' }).waitFor();
        await checkPage(page, 'a person\'s measures');

        assert.equal((await page.goto(`/people/${person}/measures/new?instrument=who-5`)).status(), 200);
        await checkPage(page, 'the WHO-5 form');
        assert.deepEqual(await smallTargets(page), [], 'answer targets at least 44 px tall');
        const items = await page.locator('fieldset.measure-item').count();
        assert.equal(items, 5, 'one fieldset per WHO-5 item');

        // Leave one out: the summary names it and the answers given stay.
        for (let i = 1; i <= 4; i++) await page.locator(`input[name="answers.q${i}"][value="2"]`).check();
        const missing = await submit(page, () => page.getByRole('button', { name: 'Save measure' }).click());
        assert.equal(missing.status(), 422);
        await page.locator('.error-summary').waitFor();
        assert.ok(await page.locator('input[name="answers.q1"][value="2"]').isChecked(), 'answers kept');
        await checkPage(page, 'the WHO-5 form with an error');

        await page.locator('input[name="answers.q5"][value="2"]').check();
        await submit(page, () => page.getByRole('button', { name: 'Save measure' }).click());
        assert.match(new URL(page.url()).pathname, new RegExp(`^/people/${person}/measures/[0-9a-f-]{36}$`));
        await page.locator('#result').getByText('40', { exact: true }).waitFor();
        await page.getByText('suggest talking with a doctor').waitFor();
        await checkPage(page, 'the WHO-5 result');
      });
    } finally {
      await page.context().close();
    }
  });

  test('a person completes a due measure in the portal', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    try {
      await withArtifacts('measures-portal', page, async () => {
        await page.goto('/my/sign-in');
        await page.locator('#email').fill(PORTAL_USER);
        await page.locator('#password').fill(DEMO_PASSWORD);
        await submit(page, () => page.getByRole('button', { name: 'Sign in' }).click());
        assert.equal(new URL(page.url()).pathname, '/my', serverTail());
        await page.locator('main a[href="/my/measures"]').first().click();
        await page.waitForURL((url) => url.pathname === '/my/measures');
        await checkPage(page, 'my check-ins');

        const start = page.locator('main a[href^="/my/measures/"]:not([href*="/results/"])').first();
        await start.click();
        await page.waitForURL((url) => /^\/my\/measures\/[a-z0-9-]+$/.test(url.pathname));
        await checkPage(page, 'a check-in form');
        assert.deepEqual(await smallTargets(page), [], 'answer targets at least 44 px tall');

        // Answer every item: the middle choice of each scale, a small number for counts.
        for (const fieldset of await page.locator('fieldset.measure-item').all()) {
          const radios = fieldset.locator('input[type="radio"]');
          const n = await radios.count();
          await radios.nth(Math.floor(n / 2)).check();
        }
        for (const input of await page.locator('input.input-short[name^="answers."]').all()) await input.fill('2');
        await submit(page, () => page.getByRole('button', { name: 'Send my answers' }).click());
        assert.match(new URL(page.url()).pathname, /^\/my\/measures\/results\/[0-9a-f-]{36}$/, serverTail());
        await page.getByText('Thank you. Your answers are saved.').waitFor();
        await checkPage(page, 'a check-in result');
      });
    } finally {
      await page.context().close();
    }
  });
});
