// Core journey through the HTML UI: sign in, create a person, find them again with a
// typo, sign out — with axe-core accessibility checks along the way.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_USERS,
  assertCrisisLink,
  checkAxe,
  launchBrowser,
  newPage,
  randomLetters,
  signIn,
  startServer,
  withArtifacts,
} from './support.js';

const PERSON_PATH = /^\/people\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/?$/i;
const isPersonUrl = (url) => PERSON_PATH.test(url.pathname);
const pathOf = (page) => new URL(page.url()).pathname;

/** Replace one letter in the middle of a word with a different one. */
function oneLetterTypo(word) {
  const i = Math.floor(word.length / 2);
  const replacement = word[i] === 'a' ? 'e' : 'a';
  return word.slice(0, i) + replacement + word.slice(i + 1);
}

describe('core journey', () => {
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

  test('coach signs in, creates a person, finds them with a typo, signs out', async () => {
    const page = await newPage(browser, server.baseURL);
    await withArtifacts('core-journey', page, async () => {
      await signIn(page, DEMO_USERS.coach);
      await page.waitForURL((url) => url.pathname === '/');
      await assert.doesNotReject(page.locator('h1').first().waitFor(), 'home page has an <h1>');
      await assertCrisisLink(page);
      await checkAxe(page, 'home');

      // Synthetic, unique per run so fuzzy search has exactly one obvious hit.
      const given = 'Testa';
      const family = `Quorrelby${randomLetters(4)}`;

      await page.goto('/people/new');
      await assertCrisisLink(page);
      await checkAxe(page, 'new person form');
      await page.locator('#legal_given_name').fill(given);
      await page.locator('#legal_family_name').fill(family);
      await page.locator('#date_of_birth').fill('1987-04-12');
      await page.locator('#phone').fill('555-0142');
      const programId = await page
        .locator('select#program_id option')
        .evaluateAll((opts) => opts.map((o) => o.value).find((v) => v !== ''));
      assert.ok(programId, 'program select has at least one non-empty option');
      await page.locator('select#program_id').selectOption(programId);
      await page.getByRole('button', { name: 'Save person' }).click();

      // Either we land on the new person, or on a duplicate check first.
      const matches = page.getByRole('heading', { name: /Possible matches/i });
      const outcome = await Promise.race([
        page.waitForURL(isPersonUrl).then(() => 'created', () => 'timeout'),
        matches.waitFor().then(() => 'duplicates', () => 'timeout'),
      ]);
      assert.notEqual(outcome, 'timeout', 'saving the person neither showed the person nor possible matches');
      if (outcome === 'duplicates') {
        await checkAxe(page, 'possible matches');
        await page.getByRole('button', { name: 'Create anyway' }).click();
        await page.waitForURL(isPersonUrl);
      }
      const personPath = pathOf(page).replace(/\/$/, '');
      await assert.doesNotReject(page.locator('h1').filter({ hasText: family }).first().waitFor());
      assert.match(await page.locator('h1').first().innerText(), new RegExp(`${given}\\s+${family}`));
      await assertCrisisLink(page);
      await checkAxe(page, 'person page');

      // Search forgives a one-letter typo in the family name.
      const query = oneLetterTypo(family);
      await page.goto(`/people?q=${encodeURIComponent(query)}`);
      const hit = page.locator(`main a[href$="${personPath}"]`).first();
      await assert.doesNotReject(hit.waitFor(), `search for "${query}" lists ${personPath}`);
      assert.match(await hit.innerText(), new RegExp(family));
      await checkAxe(page, 'search results');

      await hit.click();
      await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === personPath);
      assert.match(await page.locator('h1').first().innerText(), new RegExp(`${given}\\s+${family}`));

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await assert.doesNotReject(page.getByRole('button', { name: 'Sign in' }).waitFor());
    });
    await page.context().close();
  });

  test('wrong password shows an error and stays on the sign-in page', async () => {
    const page = await newPage(browser, server.baseURL);
    await withArtifacts('wrong-password', page, async () => {
      await signIn(page, DEMO_USERS.coach, 'not-the-password');
      const error = page.locator('[role="alert"], .error-summary').first();
      await assert.doesNotReject(error.waitFor(), 'an error message (role=alert or .error-summary) is shown');
      assert.notEqual((await error.innerText()).trim(), '', 'error message is not empty');
      assert.equal(pathOf(page), '/login');
      await assert.doesNotReject(page.getByRole('button', { name: 'Sign in' }).waitFor());
      await assertCrisisLink(page);
      await checkAxe(page, 'sign-in with error');
    });
    await page.context().close();
  });
});
