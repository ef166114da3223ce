// Outcome dashboards in the browser: a program director opens the Outcomes hub from the
// navigation, reads the organisation dashboard (SVG charts with a table beside each), breaks the
// results down by gender (small numbers hidden), and a coach opens a person's outcome trajectory
// from their caseload. axe-core accessibility checks run on each page, on a phone-sized screen.

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
const pathOf = (page) => new URL(page.url()).pathname;

describe('outcome dashboards', () => {
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

  test('a director reads the dashboard and a breakdown by gender', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('outcomes-dashboard', page, async () => {
      await signIn(page, DEMO_USERS.director);
      await page.waitForURL((url) => url.pathname === '/');
      await page.goto('/outcomes');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Outcomes' }).waitFor());
      await assertCrisisLink(page);
      await checkAxe(page, 'outcomes hub');
      await page.getByRole('link', { name: 'Outcome dashboard' }).click();
      await page.waitForURL((url) => url.pathname === '/outcomes/dashboard');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Outcome dashboard' }).waitFor());
      await assert.doesNotReject(page.getByRole('heading', { name: 'Outputs over time' }).waitFor());
      const charts = await page.locator('figure.outcome-chart svg[role="img"]').count();
      assert.ok(charts >= 1, `the dashboard draws SVG charts (found ${charts})`);
      const titled = await page.locator('figure.outcome-chart svg title').count();
      assert.ok(titled >= charts, 'every chart has a title');
      assert.ok((await page.locator('table.data-table').count()) >= charts, 'a table beside each chart');
      await assertFormsLabelled(page, 'dashboard filters');
      await checkAxe(page, 'outcome dashboard');
      await assertFitsScreen(page, 'outcome dashboard');

      // Break the results down by gender from the dashboard's own form.
      await page.locator('form[action="/outcomes/disaggregation"] select[name="by"]').selectOption('gender');
      await page.getByRole('button', { name: 'Break down' }).click();
      await page.waitForURL((url) => url.pathname === '/outcomes/disaggregation');
      assert.equal(new URL(page.url()).searchParams.get('by'), 'gender');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Outcomes by Gender' }).waitFor());
      await assert.doesNotReject(page.getByText('Counts from 1 to 10 are hidden').first().waitFor());
      // No count from 1 to 10 is shown in any breakdown table.
      const cells = await page.locator('main table.data-table td').allTextContents();
      for (const text of cells) {
        const n = Number(text.trim());
        if (/^\d+$/.test(text.trim())) assert.ok(n === 0 || n > 10, `a small count is shown: ${text}`);
      }
      await checkAxe(page, 'outcomes by gender');
    });
  });

  test('a coach opens a person\'s outcome chart from the caseload', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('outcomes-person', page, async () => {
      await signIn(page, DEMO_USERS.coach);
      await page.waitForURL((url) => url.pathname === '/');
      // Dashboards are for aggregates: a coach is refused.
      const refused = await page.goto('/outcomes/dashboard');
      assert.equal(refused.status(), 403, 'a coach cannot open the dashboard');
      await page.goto('/caseload');
      const hrefs = await page
        .locator('main table.data-table tbody a[href$="/coaching"]')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.length > 0, 'the coach has people');
      let opened = null;
      for (const href of hrefs.slice(0, 10)) {
        const id = href.match(new RegExp(UUID, 'i'))[0];
        const res = await page.goto(`/people/${id}/outcomes`);
        assert.equal(res.status(), 200, `outcomes page of ${id}`);
        if ((await page.locator('figure.outcome-chart svg').count()) > 0) {
          opened = id;
          break;
        }
      }
      assert.ok(opened, 'someone on the caseload has measurements to chart');
      assert.equal(pathOf(page), `/people/${opened}/outcomes`);
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Outcome measures over time' }).waitFor());
      const svg = page.locator('figure.outcome-chart svg').first();
      assert.ok((await svg.locator('circle').count()) >= 1, 'the chart plots the scores');
      assert.ok((await page.locator('main table.data-table tbody tr').count()) >= 1, 'the table of scores');
      await checkAxe(page, 'person outcome trajectory');
      await assertFitsScreen(page, 'person outcome trajectory');
    });
  });
});
