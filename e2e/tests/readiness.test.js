// Accreditation readiness in the browser: the quality lead opens Readiness from the navigation,
// reads the overview (Fundamental Practice standards first), opens a standard with its evidence per
// element, records the organisation's own rating and sees it in the history, and checks which
// standards apply. axe-core accessibility checks run on each page, on a phone-sized screen.

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

describe('accreditation readiness', () => {
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

  test('the quality lead reads the evidence for a standard and records a rating', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('readiness', page, async () => {
      await signIn(page, DEMO_USERS.quality);
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByRole('link', { name: 'Readiness' }).first().click();
      await page.waitForURL((url) => url.pathname === '/readiness');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Accreditation readiness' }).waitFor());
      await assertCrisisLink(page);
      const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
      const fp = headings.indexOf('Fundamental Practice standards');
      const first = headings.findIndex((h) => h.startsWith('CSE 1'));
      assert.ok(fp >= 0 && fp < first, `Fundamental Practice standards come before CSE 1 (${headings.join(' | ')})`);
      await assertFormsLabelled(page, 'readiness filters');
      await checkAxe(page, 'readiness overview');
      await assertFitsScreen(page, 'readiness overview');

      await page.locator('#fundamental').getByRole('link', { name: 'CSE 3.02' }).click();
      await page.waitForURL((url) => url.pathname === '/readiness/standard');
      await assert.doesNotReject(page.getByRole('heading', { level: 2, name: 'Elements and evidence' }).waitFor());
      await checkAxe(page, 'readiness standard');
      await assertFitsScreen(page, 'readiness standard');

      await page.getByLabel('2 · Minor gaps').check();
      await page.getByLabel('Note').fill('Two late intakes in the spring; a triage rota since.');
      await page.getByRole('button', { name: 'Record our rating' }).click();
      await page.waitForURL((url) => url.pathname === '/readiness/standard');
      await assert.doesNotReject(page.getByText('Your rating was recorded.').waitFor());
      await assert.doesNotReject(page.getByRole('cell', { name: /a triage rota since/ }).waitFor());

      await page.goto('/readiness/applicability');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Which standards apply' }).waitFor());
      await checkAxe(page, 'readiness applicability');
    });
  });
});
