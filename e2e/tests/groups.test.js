// Groups on a phone-sized screen: a demo group facilitator takes attendance for their group's
// latest session ("Everyone present", then one tap for the member who did not come, then save)
// and the saved marks are there after a reload; the public page of open groups loads without
// signing in, fits a phone and names no one; and a group's calendar feed downloads as .ics.
// axe-core, label and fits-the-screen checks run on every page the facilitator uses.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
const GROUP_PATH = new RegExp(`^/groups/(${UUID})$`, 'i');
const SESSION_PATH = new RegExp(`^/groups/(${UUID})/sessions/(${UUID})$`, 'i');
const OCCURRENCE_PATH = new RegExp(`^/groups/(${UUID})/occurrences/(${UUID})/(\\d+)$`, 'i');
const PUBLIC_PATH = new RegExp(`^/groups/open/(${UUID})$`, 'i');
const FEED_PATH = new RegExp(`^/calendar/(${UUID})/groups/[0-9a-z]+\\.ics$`, 'i');
const pathOf = (page) => new URL(page.url()).pathname;

// The demo organisation's time zone (src/demo.rs), to tell which listed session is today's.
const ORG_TIME_ZONE = 'America/New_York';
const todayInOrg = () => new Intl.DateTimeFormat('en-CA', { timeZone: ORG_TIME_ZONE }).format(new Date());

// The narrowest phone the pages are made for (PHONE is 390 px wide).
const NARROW_PHONE = Object.freeze({ width: 360, height: 740 });

// Taking attendance should be quick: home page to saved marks in a handful of taps.
const MAX_INTERACTIONS = 10;

describe('groups on a phone', () => {
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

  /**
   * Run `act` (a tap that submits a form) and check the POST answered 303 and the page it led to
   * loaded with a 200 on a path matching `landOn`. The page may redirect to itself, so this waits
   * for the GET the redirect caused rather than for the address to change.
   */
  async function expectSaved(page, act, { landOn, label }) {
    const explain = () => `\n--- server log (tail) ---\n${serverTail()}`;
    const posted = page.waitForResponse((res) => res.request().method() === 'POST' && res.request().isNavigationRequest());
    const landed = page.waitForResponse(
      (res) => res.request().isNavigationRequest() && res.request().redirectedFrom()?.method() === 'POST',
    );
    await act();
    const res = await posted;
    assert.equal(res.status(), 303, `${label}: POST ${new URL(res.url()).pathname} answered ${res.status()}${explain()}`);
    const last = await landed;
    await page.waitForLoadState('load');
    assert.equal(last.status(), 200, `${label}: GET ${new URL(last.url()).pathname} answered ${last.status()}${explain()}`);
    assert.match(new URL(last.url()).pathname, landOn, `${label}: landed on ${last.url()}`);
    assert.equal(page.url(), last.url(), `${label}: the page shows the redirect's target`);
  }

  /** A flash notice of `kind` in <main> says `text`. */
  async function assertFlash(page, kind, text) {
    const flash = page.locator(`main .notice-${kind}[role="status"]`).filter({ hasText: text });
    await assert.doesNotReject(flash.first().waitFor(), `${kind} flash "${text}" shown on ${page.url()}`);
  }

  /** The rows of a group page's session table under the heading `heading`. */
  async function sessionRows(page, heading) {
    return page
      .locator('#sessions h2')
      .filter({ hasText: heading })
      // The table before the next heading (a "New session" link may come first).
      .locator('xpath=following-sibling::*[self::table or self::h2][1][self::table]')
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => {
          const a = tr.querySelector('td a');
          return {
            href: a?.getAttribute('href') ?? null,
            when: a?.textContent.trim() ?? '',
            cancelled: tr.querySelector('.tag-danger') !== null,
          };
        }),
      );
  }

  /** The member fieldsets of the attendance form: name (legend) and the radio group's name. */
  function attendanceRows(page) {
    return page.locator('form.attendance-form fieldset.attendance-row').evaluateAll((sets) =>
      sets.map((set) => ({
        id: set.id,
        name: set.querySelector('legend').firstChild.textContent.trim(),
        radio: set.querySelector('input[type="radio"]').name,
        checked: set.querySelector('input[type="radio"]:checked')?.value ?? null,
      })),
    );
  }

  test('a facilitator takes attendance on a phone: everyone present, then one absent', async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    assert.deepEqual(page.viewportSize(), { width: 390, height: 844 }, 'phone-sized viewport');
    await withArtifacts('groups-attendance', page, async () => {
      await signIn(page, DEMO_USERS.facilitator);
      await page.waitForURL((url) => url.pathname === '/');

      // Every interaction from the home page to the saved attendance is counted (each is one tap).
      const interactions = [];
      const tap = async (locator, what) => {
        interactions.push(what);
        await locator.tap();
      };

      await tap(page.locator('header nav').getByRole('link', { name: 'Groups', exact: true }), '"Groups" in the menu');
      await page.waitForURL((url) => url.pathname === '/groups');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor());
      await checkPage(page, 'groups list (/groups)');

      // The facilitator sees the roster (the member count) only of the groups they run.
      const groups = await page.locator('main table.data-table tbody tr').evaluateAll((trs) =>
        trs.map((tr) => {
          const a = tr.querySelector('td a[href^="/groups/"]');
          const members = tr.querySelectorAll('td')[4]?.textContent.trim() ?? '';
          return { href: a?.getAttribute('href'), name: a?.textContent.trim(), members };
        }),
      );
      const mine = groups.filter((g) => /^\d+/.test(g.members));
      assert.ok(mine.length > 0, `the demo facilitator runs a group: ${JSON.stringify(groups)}`);
      const group = mine[0];
      await tap(page.locator('main table.data-table tbody a').filter({ hasText: group.name }).first(), `group "${group.name}"`);
      await page.waitForURL((url) => GROUP_PATH.test(url.pathname));
      const groupId = pathOf(page).match(GROUP_PATH)[1];
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: group.name }).waitFor());
      await checkPage(page, `group page (${group.name})`);

      // Today's session when there is one, else the latest one held (never a cancelled one).
      const upcoming = await sessionRows(page, 'Coming sessions');
      const recent = await sessionRows(page, 'Recent sessions');
      assert.ok(upcoming.length > 0 && recent.length > 0, 'the group page lists coming and recent sessions');
      const today = todayInOrg();
      const todays = upcoming.find((s) => !s.cancelled && s.href && s.when.includes(today));
      const latest = recent.find((s) => !s.cancelled && s.href);
      const session = todays ?? latest;
      assert.ok(session, `a session to take attendance for: upcoming ${JSON.stringify(upcoming)}, recent ${JSON.stringify(recent)}`);
      assert.ok(
        SESSION_PATH.test(session.href) || OCCURRENCE_PATH.test(session.href),
        `session link ${session.href} is a session or an occurrence`,
      );
      await tap(
        page.locator(`#sessions a[href="${session.href}"]`).first(),
        `${todays ? "today's" : 'the latest'} session "${session.when}"`,
      );
      // An occurrence link is materialised and redirected to the stored session.
      await page.waitForURL((url) => SESSION_PATH.test(url.pathname));
      const sessionPath = pathOf(page);
      assert.equal(sessionPath.match(SESSION_PATH)[1], groupId, 'the session belongs to the group');
      await assert.doesNotReject(page.getByRole('heading', { level: 2, name: 'Attendance' }).waitFor());
      await checkPage(page, `session page (${session.when})`);

      const before = await attendanceRows(page);
      assert.ok(before.length >= 2, `the session lists at least two members (found ${before.length})`);

      await expectSaved(page, () => tap(page.getByRole('button', { name: 'Everyone present', exact: true }), '"Everyone present"'), {
        landOn: SESSION_PATH,
        label: 'everyone present',
      });
      assert.equal(pathOf(page), sessionPath, 'back on the session page');
      await assertFlash(page, 'success', 'Everyone is marked present.');
      const allPresent = await attendanceRows(page);
      assert.equal(allPresent.length, before.length, 'same members listed');
      for (const r of allPresent) assert.equal(r.checked, 'present', `${r.name} marked present`);
      assert.match(await page.locator('#attendance > p').first().innerText(), new RegExp(`^Present: ${before.length}\\b`));
      await checkPage(page, 'session page (everyone present)');

      // The exception: the second member did not come.
      const absentee = allPresent[1];
      const absentPill = page
        .locator('label.pill')
        .filter({ has: page.locator(`input[name="${absentee.radio}"][value="absent"]`) });
      await tap(absentPill, `"Absent" for ${absentee.name}`);
      assert.equal(await page.locator(`input[name="${absentee.radio}"][value="absent"]`).isChecked(), true, 'absent chosen');
      await expectSaved(page, () => tap(page.getByRole('button', { name: 'Save attendance', exact: true }), '"Save attendance"'), {
        landOn: SESSION_PATH,
        label: 'save attendance',
      });
      await assertFlash(page, 'success', 'Attendance saved.');

      const count = interactions.length;
      console.log(`# interactions from the home page to saved attendance: ${count}\n#   ${interactions.join('\n#   ')}`);
      assert.ok(count < MAX_INTERACTIONS, `took attendance in ${count} interactions: ${interactions.join('; ')}`);

      // The saved marks survive a reload: one fewer present, the absentee marked absent.
      await page.reload();
      await page.waitForLoadState('load');
      assert.equal(pathOf(page), sessionPath);
      const saved = await attendanceRows(page);
      assert.equal(saved.length, before.length, 'same members listed after the reload');
      for (const r of saved) {
        assert.equal(r.checked, r.radio === absentee.radio ? 'absent' : 'present', `${r.name} as saved`);
      }
      assert.match(
        await page.locator('#attendance > p').first().innerText(),
        new RegExp(`^Present: ${before.length - 1}\\b`),
        'present count after the reload',
      );
      await checkPage(page, 'session page (after saving)');

      // The next occurrence's link (if not stored yet) leads to its session page as well.
      await page.goto(`/groups/${groupId}`);
      const next = (await sessionRows(page, 'Coming sessions')).find((s) => s.href && OCCURRENCE_PATH.test(s.href));
      if (next) {
        const res = await page.goto(next.href);
        assert.equal(res.status(), 200, `GET ${next.href} (after its redirect)`);
        assert.match(pathOf(page), SESSION_PATH, `${next.href} redirects to the session page`);
        await checkPage(page, `upcoming session page (${next.when})`);
        console.log(`# the occurrence link ${next.href} led to ${pathOf(page)}`);
      }
    });
    await page.context().close();
  });

  test('the public page of open groups loads without signing in, fits a phone and names no one', async () => {
    // A quality lead sees every group's roster: gather every name the page must not show.
    const staffPage = await newPage(browser, server.baseURL);
    let orgId;
    let listed;
    const names = new Set(['Morgan Ellis']); // the demo's peer volunteer (no sign-in)
    await withArtifacts('groups-public-names', staffPage, async () => {
      await signIn(staffPage, DEMO_USERS.quality);
      await staffPage.waitForURL((url) => url.pathname === '/');
      await staffPage.goto('/groups');
      const link = await staffPage.getByRole('link', { name: 'Public page of open groups' }).getAttribute('href');
      assert.match(link, PUBLIC_PATH, 'the groups list links to the public page');
      orgId = link.match(PUBLIC_PATH)[1];
      const groups = await staffPage.locator('main table.data-table tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          href: tr.querySelector('td a').getAttribute('href'),
          name: tr.querySelector('td a').textContent.trim(),
        })),
      );
      assert.ok(groups.length > 0, 'the demo has groups');
      listed = [];
      for (const g of groups) {
        await staffPage.goto(g.href);
        for (const f of await staffPage.locator('#facilitators li > strong').allInnerTexts()) names.add(f.trim());
        const onPublic = await staffPage.getByText('This group is on the public page of open groups.').count();
        if (onPublic > 0) listed.push(g.name);
        await staffPage.goto(`${g.href}/members`);
        for (const n of await staffPage.locator('#active td:first-child a, #past td:first-child a').allInnerTexts()) {
          names.add(n.trim());
        }
      }
      assert.ok(names.size > 5, `gathered names of members and facilitators (${names.size})`);
      console.log(`# public page: ${names.size} names checked; groups said to be public: ${listed.join(', ')}`);
    });
    await staffPage.context().close();

    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('groups-public', page, async () => {
      const res = await page.goto(`/groups/open/${orgId}`);
      assert.equal(res.status(), 200, 'public page answers 200 without signing in');
      assert.equal(pathOf(page), `/groups/open/${orgId}`, 'not sent to the sign-in page');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /^Open groups at / }).waitFor());
      assert.equal(await page.locator('header nav').count(), 0, 'no staff menu');
      const shown = await page.locator('main section.card h2').allInnerTexts();
      assert.deepEqual([...shown].sort(), [...listed].sort(), 'lists exactly the groups their pages say are public');
      assert.ok(shown.length > 0, 'the demo lists at least one open group');

      const text = await page.locator('body').innerText();
      const html = await page.content();
      const leaked = [...names].filter((n) => text.includes(n) || html.includes(n));
      assert.deepEqual(leaked, [], 'no member or facilitator names on the public page');
      await checkPage(page, 'public open groups page');

      // The organisation-wide feed of open groups is public too, and names no one either.
      const feedUrl = await page.locator('#feed-url').inputValue();
      const feed = await fetch(feedUrl);
      assert.equal(feed.status, 200, `GET ${feedUrl}`);
      assert.match(feed.headers.get('content-type') ?? '', /^text\/calendar\b/, 'open-groups feed is text/calendar');
      const ics = await feed.text();
      assert.match(ics, /^BEGIN:VCALENDAR\r?\n/, 'open-groups feed is an iCalendar file');
      assert.deepEqual([...names].filter((n) => ics.includes(n)), [], 'no names in the open-groups feed');
    });
    await page.context().close();
  });

  test("a group's calendar feed link downloads text/calendar", async () => {
    const page = await newPage(browser, server.baseURL, PHONE);
    await withArtifacts('groups-feed', page, async () => {
      await signIn(page, DEMO_USERS.facilitator);
      await page.waitForURL((url) => url.pathname === '/');
      await page.goto('/groups');
      const rows = await page.locator('main table.data-table tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          href: tr.querySelector('td a').getAttribute('href'),
          name: tr.querySelector('td a').textContent.trim(),
          members: tr.querySelectorAll('td')[4]?.textContent.trim() ?? '',
        })),
      );
      const group = rows.find((r) => /^\d+/.test(r.members));
      assert.ok(group, 'the demo facilitator runs a group');
      await page.goto(group.href);

      const feedUrl = new URL(await page.locator('#feed-url').inputValue());
      assert.match(feedUrl.pathname, FEED_PATH, `feed address ${feedUrl}`);
      const subscribe = await page.getByRole('link', { name: 'Subscribe' }).getAttribute('href');
      assert.equal(subscribe, `webcal://${feedUrl.host}${feedUrl.pathname}`, 'the subscribe link is the same feed');

      // The secret address works without signing in (calendar apps have no session).
      const res = await fetch(feedUrl);
      assert.equal(res.status, 200, `GET ${feedUrl.pathname}`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/calendar\b/, 'served as text/calendar');
      const ics = await res.text();
      assert.match(ics, /^BEGIN:VCALENDAR\r?\n/, 'an iCalendar file');
      assert.match(ics, /\r\nEND:VCALENDAR\r\n?$/, 'a complete iCalendar file with CRLF lines');
      assert.ok((ics.match(/BEGIN:VEVENT/g) ?? []).length > 0, 'with events');
      assert.ok(ics.includes(group.name), `the events name the group "${group.name}"`);

      // In the browser the address downloads (a calendar file is not shown as a page).
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.goto(feedUrl.href).catch((err) => {
          if (!/Download is starting/.test(err.message)) throw err;
        }),
      ]);
      const file = readFileSync(await download.path(), 'utf8');
      assert.match(file, /^BEGIN:VCALENDAR\r?\n/, `downloaded ${download.suggestedFilename()} is an iCalendar file`);
      console.log(`# downloaded feed: ${download.suggestedFilename()}, ${file.length} bytes`);

      // A wrong token is not found, without a hint which part was wrong.
      const wrong = await fetch(new URL(feedUrl.pathname.replace(/[0-9a-z]+\.ics$/i, '0'.repeat(32) + '.ics'), feedUrl));
      assert.equal(wrong.status, 404, 'a made-up feed token is not found');
    });
    await page.context().close();
  });
});
