// Intake-to-safety journey on a phone-sized screen: a coach logs a request for service,
// triages it as urgent, creates the person's record from it, runs the Columbia risk screen
// (moderate result, with the skip logic checked), cannot close the screen without a response,
// writes a safety plan, records the response, closes the screen and opens the printable plan —
// with axe-core accessibility checks and the header crisis link checked along the way.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEMO_USERS,
  PHONE,
  assertFitsScreen,
  assertFormsLabelled,
  assertCrisisLink,
  checkAxe,
  launchBrowser,
  newPage,
  signIn,
  startServer,
  withArtifacts,
} from './support.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REQUEST_PATH = new RegExp(`^/intake/(${UUID})$`, 'i');
const SAFETY_PATH = new RegExp(`^/people/(${UUID})/safety$`, 'i');
const PLAN_FORM_PATH = new RegExp(`^/people/(${UUID})/safety-plan$`, 'i');
const PLAN_PRINT_PATH = new RegExp(`^/people/(${UUID})/safety-plan/print$`, 'i');
const pathOf = (page) => new URL(page.url()).pathname;

// Synthetic details. Each test file starts its own server with a fresh database, so fixed
// values are unique here and the run is the same every time.
const GIVEN = 'Testa';
const FAMILY = 'Brindlecombe';
const PHONE_NUMBER = '555-0173';
const ASKED_FOR = 'Someone to talk to about staying sober after leaving detox.';
const URGENCY_REASON = 'Left detox yesterday and has nowhere safe to stay tonight.';
const WARNING_SIGNS = ['Not sleeping for two nights', 'Pulling away from friends'];
const COPING = 'Walk to the river\nListen to music';
const PEOPLE_TO_ASK = 'My sister Dana 555-0110';
const PROFESSIONALS = 'My coach at Mainstay 555-0100\nSuicide and crisis line 988';
const RESPONSE_DETAIL = 'Wrote a safety plan together; the person has a printed copy.';

// Columbia screener answers for a moderate result: a yes to q3 (thought about how) without
// intent, plan or behaviour. q6_past_three_months is only asked after a yes to q6.
const MODERATE_ANSWERS = {
  q1_wish_dead: 'yes',
  q2_suicidal_thoughts: 'yes',
  q3_method: 'yes',
  q4_intent: 'no',
  q5_plan: 'no',
  q6_behaviour: 'no',
};
const FOLLOW_UPS = ['q3_method', 'q4_intent', 'q5_plan'];
const OTHER_DANGERS = ['self_injury', 'neglect', 'exploitation', 'violence_to_others'];

const radio = (page, name, value) => page.locator(`input[name="${name}"][value="${value}"]`);
const isHidden = (page, selector) => page.locator(selector).evaluate((el) => el.hidden);

describe('intake journey on a phone', () => {
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

  /** The last lines of the server log, to make a failed form post explain itself. */
  const serverTail = (lines = 30) => server.output().trimEnd().split('\n').slice(-lines).join('\n');

  /**
   * Click a submit button and check the answers: the POST gets `status` (by default a 303 redirect);
   * after a redirect the browser must land, with a 200, on a page whose path matches `landOn`.
   */
  async function submit(page, button, { status = 303, landOn, label }) {
    const documents = [];
    const onResponse = (res) => {
      if (res.request().isNavigationRequest() && res.frame() === page.mainFrame()) documents.push(res);
    };
    page.on('response', onResponse);
    try {
      const posted = page.waitForResponse(
        (res) => res.request().method() === 'POST' && res.request().isNavigationRequest(),
      );
      await button.click();
      const res = await posted;
      const explain = () => `\n--- server log (tail) ---\n${serverTail()}`;
      assert.equal(
        res.status(),
        status,
        `${label}: POST ${new URL(res.url()).pathname} answered ${res.status()}, expected ${status}${explain()}`,
      );
      if (landOn) await page.waitForURL((url) => landOn.test(url.pathname));
      await page.waitForLoadState('load');
      const last = documents.at(-1);
      if (status === 303) {
        assert.ok(last && last !== res, `${label}: no page loaded after the redirect`);
        assert.equal(
          last.status(),
          200,
          `${label}: GET ${new URL(last.url()).pathname} after the redirect answered ${last.status()}${explain()}`,
        );
      }
    } finally {
      page.off('response', onResponse);
    }
  }

  /** The flash notice at the top of <main> says `text`. */
  async function assertFlash(page, text) {
    const flash = page.locator('main [role="status"]').filter({ hasText: text });
    await assert.doesNotReject(flash.first().waitFor(), `flash "${text}" shown on ${page.url()}`);
  }

  test('coach logs and triages a request, screens for risk, makes a safety plan and closes the screen', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('intake-journey', page, async () => {
      const viewport = page.viewportSize();
      assert.deepEqual(viewport, { width: 390, height: 844 }, 'phone-sized viewport');

      // --- 1. Sign in and log a request from the home page -------------------------------
      await signIn(page, DEMO_USERS.coach);
      await page.waitForURL((url) => url.pathname === '/');
      await assertCrisisLink(page);
      const crisisText = await page.locator('header a.crisis-button').innerText();
      const crisisLine = crisisText.split('·').pop().trim();
      assert.match(crisisLine, /\d/, `crisis line number in the header link ("${crisisText}")`);

      await page.getByRole('link', { name: 'Add a request', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/intake/new');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Add a request' }).waitFor());
      await assertCrisisLink(page);
      await checkAxe(page, 'request form (/intake/new)');
      await assertFormsLabelled(page, 'request form');
      await assertFitsScreen(page, 'request form');

      await page.locator('#source').selectOption('phone');
      await page.locator('#given_name').fill(GIVEN);
      await page.locator('#family_name').fill(FAMILY);
      await page.locator('#phone').fill(PHONE_NUMBER);
      await page.locator('#asked_for').fill(ASKED_FOR);
      await submit(page, page.getByRole('button', { name: 'Add a request', exact: true }), {
        landOn: REQUEST_PATH,
        label: 'log request',
      });
      const requestPath = pathOf(page);
      await assertFlash(page, 'Request saved.');
      assert.match(await page.locator('h1').innerText(), new RegExp(`${GIVEN}\\s+${FAMILY}`));
      const details = page.locator('main dl.summary-list');
      assert.match(await details.innerText(), new RegExp(ASKED_FOR.replace(/[.]/g, '\\.')));
      assert.match(await details.innerText(), new RegExp(PHONE_NUMBER));
      await assert.doesNotReject(page.locator('.person-header .tag').filter({ hasText: 'Urgency not set' }).waitFor());
      await assertCrisisLink(page);
      await checkAxe(page, 'request page (new)');
      await assertFormsLabelled(page, 'request page (new)');
      await assertFitsScreen(page, 'request page (new)');

      // --- 2. Triage as urgent, then create the person's record from the request ----------
      await radio(page, 'urgency', 'urgent').check();
      await page.locator('#urgency_reason').fill(URGENCY_REASON);
      await submit(page, page.getByRole('button', { name: 'Save urgency and needs' }), {
        landOn: REQUEST_PATH,
        label: 'triage',
      });
      assert.equal(pathOf(page), requestPath, 'triage returns to the same request');
      await assertFlash(page, 'Urgency and needs saved.');
      await assert.doesNotReject(page.locator('.person-header .tag.urgency-urgent').filter({ hasText: 'Urgent' }).waitFor());
      assert.match(await details.innerText(), new RegExp(URGENCY_REASON.replace(/[.]/g, '\\.')));

      // The record form is prefilled from the request.
      assert.equal(await page.locator('#given_name').inputValue(), GIVEN);
      assert.equal(await page.locator('#family_name').inputValue(), FAMILY);
      await submit(page, page.getByRole('button', { name: 'Create a record' }), {
        landOn: REQUEST_PATH,
        label: 'create record from request',
      });
      assert.equal(pathOf(page), requestPath, 'creating the record returns to the same request');
      await assertFlash(page, 'Record created.');
      await assert.doesNotReject(page.getByRole('link', { name: "Open the person's record" }).waitFor());
      await assertCrisisLink(page);
      await checkAxe(page, 'request page (triaged, with record)');
      await assertFormsLabelled(page, 'request page (triaged, with record)');
      await assertFitsScreen(page, 'request page (triaged, with record)');

      // --- 3. Risk screen: skip logic, moderate result -------------------------------------
      await page.getByRole('link', { name: 'New risk screen' }).click();
      await page.waitForURL((url) => /^\/people\/[^/]+\/risk-screens\/new$/.test(url.pathname));
      const screenUrl = new URL(page.url());
      const personId = screenUrl.pathname.split('/')[2];
      assert.equal(
        screenUrl.searchParams.get('request_id'),
        requestPath.split('/').pop(),
        'the screen is linked to the request',
      );
      await assertCrisisLink(page);

      // Individual screen if the page asks for one (reason preselected), else program-wide.
      const kind = await page.locator('#kind').inputValue();
      if (kind === 'individual') {
        assert.notEqual(await page.locator('#individual_reason').inputValue(), '', 'individual screen has a reason');
      } else {
        await page.locator('#kind').selectOption('program-wide');
      }

      // q3–q5 (and the q6 follow-up) are hidden until the question they depend on is "yes".
      for (const q of [...FOLLOW_UPS, 'q6_past_three_months']) {
        assert.equal(await isHidden(page, `#${q}`), true, `${q} is hidden before q2 is answered`);
        assert.equal(await radio(page, q, 'yes').isVisible(), false, `${q} "yes" is not visible yet`);
      }
      await checkAxe(page, 'risk screen form (follow-ups hidden)');

      await radio(page, 'q1_wish_dead', 'yes').check();
      await radio(page, 'q2_suicidal_thoughts', 'no').check();
      for (const q of FOLLOW_UPS) {
        assert.equal(await isHidden(page, `#${q}`), true, `${q} stays hidden after q2 "no"`);
      }
      await radio(page, 'q2_suicidal_thoughts', 'yes').check();
      for (const q of FOLLOW_UPS) {
        assert.equal(await isHidden(page, `#${q}`), false, `${q} is shown after q2 "yes"`);
        await assert.doesNotReject(radio(page, q, 'yes').waitFor({ state: 'visible' }), `${q} "yes" is visible`);
      }
      assert.equal(await isHidden(page, '#q6_past_three_months'), true, 'q6 follow-up still hidden');

      for (const [q, answer] of Object.entries(MODERATE_ANSWERS)) {
        await radio(page, q, answer).check();
      }
      for (const q of OTHER_DANGERS) {
        await radio(page, q, 'no').check();
      }
      assert.equal(await isHidden(page, '#q6_past_three_months'), true, 'q6 follow-up hidden after q6 "no"');
      for (const [q, answer] of Object.entries(MODERATE_ANSWERS)) {
        assert.equal(await radio(page, q, answer).isChecked(), true, `${q} answered "${answer}" before saving`);
      }
      await checkAxe(page, 'risk screen form (answered)');
      await assertFormsLabelled(page, 'risk screen form');
      await assertFitsScreen(page, 'risk screen form');

      await submit(page, page.getByRole('button', { name: 'Save screen' }), {
        landOn: SAFETY_PATH,
        label: 'save risk screen',
      });
      const safetyPath = pathOf(page);
      assert.equal(safetyPath, `/people/${personId}/safety`);
      const screenHash = new URL(page.url()).hash;
      assert.match(screenHash, new RegExp(`^#screen-${UUID}$`, 'i'), 'redirect points at the new screen');
      const screenId = screenHash.slice('#screen-'.length);
      const screen = page.locator(`#screen-${screenId}`);
      await assertFlash(page, 'It found moderate or high risk');
      await assert.doesNotReject(screen.locator('.tag.risk-moderate').filter({ hasText: 'Moderate' }).waitFor());
      assert.match(await screen.innerText(), /Suicide risk: Moderate/);
      await assert.doesNotReject(
        screen.locator('.notice').filter({ hasText: 'still open. Record what was done' }).waitFor(),
        'the screen says it needs a response',
      );
      await assertCrisisLink(page);
      await checkAxe(page, 'safety page (open moderate screen)');
      await assertFormsLabelled(page, 'safety page');
      await assertFitsScreen(page, 'safety page');

      // --- 4. Closing without a response is refused ----------------------------------------
      await submit(page, screen.getByRole('button', { name: 'Close this screen' }), {
        status: 422,
        label: 'close screen without a response',
      });
      const refusal = page
        .locator(`#screen-${screenId}`)
        .locator('[role="alert"], .error-message')
        .filter({ hasText: 'Record what was done' });
      await assert.doesNotReject(refusal.first().waitFor(), 'an error explains a response is needed first');
      await assert.doesNotReject(
        page.locator(`#screen-${screenId}`).getByRole('button', { name: 'Close this screen' }).waitFor(),
        'the screen is still open',
      );
      await assertCrisisLink(page);
      await checkAxe(page, 'safety page (close refused)');

      // --- 5. Safety plan, response, close ---------------------------------------------------
      await page.goto(safetyPath);
      await page.getByRole('link', { name: 'Make a safety plan' }).click();
      await page.waitForURL((url) => PLAN_FORM_PATH.test(url.pathname));
      await assertCrisisLink(page);
      await checkAxe(page, 'safety plan form');
      await assertFormsLabelled(page, 'safety plan form');
      await assertFitsScreen(page, 'safety plan form');
      await page.locator('#warning_signs').fill(WARNING_SIGNS.join('\n'));
      await page.locator('#coping_strategies').fill(COPING);
      await page.locator('#people_to_ask').fill(PEOPLE_TO_ASK);
      await page.locator('#professionals').fill(PROFESSIONALS);
      await submit(page, page.locator('main form').getByRole('button', { name: 'Save', exact: true }), {
        landOn: SAFETY_PATH,
        label: 'save safety plan',
      });
      assert.equal(pathOf(page), safetyPath);
      await assertFlash(page, 'Safety plan saved.');
      await assert.doesNotReject(page.getByRole('link', { name: 'Edit the safety plan' }).waitFor());

      await page.locator(`#kind-${screenId}`).selectOption('safety-plan');
      await page.locator(`#detail-${screenId}`).fill(RESPONSE_DETAIL);
      await submit(page, screen.getByRole('button', { name: 'Save what was done' }), {
        landOn: SAFETY_PATH,
        label: 'add response',
      });
      await assertFlash(page, 'Response saved.');
      const responses = screen.locator('ul li').filter({ hasText: 'Made a safety plan' });
      await assert.doesNotReject(responses.first().waitFor(), 'the response is listed on the screen');
      assert.match(await responses.first().innerText(), /Wrote a safety plan together/);

      await submit(page, screen.getByRole('button', { name: 'Close this screen' }), {
        landOn: SAFETY_PATH,
        label: 'close screen',
      });
      await assertFlash(page, 'Screen closed.');
      await assert.doesNotReject(screen.locator('p').filter({ hasText: /^Closed\b/ }).waitFor(), 'screen shows as closed');
      assert.equal(await screen.getByRole('button', { name: 'Close this screen' }).count(), 0, 'no close button left');
      assert.equal(await screen.locator('form').count(), 0, 'no response form on a closed screen');
      assert.equal(await screen.locator('.notice-warning').count(), 0, 'no "needs a response" notice');
      await assertCrisisLink(page);
      await checkAxe(page, 'safety page (screen closed)');

      // --- 6. Printable plan -----------------------------------------------------------------
      await page.getByRole('link', { name: 'Print the plan' }).click();
      await page.waitForURL((url) => PLAN_PRINT_PATH.test(url.pathname));
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: `Safety plan for ${GIVEN}` }).waitFor());
      const warning = page.locator('.plan-section').filter({ has: page.getByRole('heading', { name: /My warning signs/ }) });
      for (const sign of WARNING_SIGNS) {
        await assert.doesNotReject(warning.locator('li').filter({ hasText: sign }).waitFor(), `plan lists "${sign}"`);
      }
      const crisis = page.locator('.plan-crisis');
      assert.match(await crisis.innerText(), new RegExp(`crisis line:\\s*${crisisLine.replace(/[^0-9a-z]/gi, '\\$&')}`, 'i'));
      await checkAxe(page, 'printable safety plan');
      await assertFitsScreen(page, 'printable safety plan');
    });
    await page.context().close();
  });
});
