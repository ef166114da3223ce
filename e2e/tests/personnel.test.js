// Personnel on a phone-sized screen: the demo supervisor opens Team, finds the demo coach flagged
// for a peer certification that lapses in 45 days and reads the coach's competency checklist. They
// pick someone on the team with a required training topic still missing, record a completed course
// for it on that person's training page, and the gap is closed on the overview and in the
// competency matrix, whose CSV export downloads. Last, they log a supervision session with the
// coach and open the team's workload. axe-core, label, crisis-link and fits-the-screen checks run
// on every page the supervisor opens.

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
const STAFF_PATH = new RegExp(`^/team/(${UUID})$`, 'i');

// The demo organisation's time zone (src/demo.rs), for today's date on the forms.
const ORG_TIME_ZONE = 'America/New_York';
const dayInOrg = (offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ORG_TIME_ZONE }).format(new Date(Date.now() + offsetDays * 86_400_000));

// The demo coach's peer certification lapses this many days after the demo is made
// (src/demo/personnel.rs), inside the 60-day reminder window.
const COACH_CERTIFICATE_DAYS = 45;

// The narrowest phone the pages are made for (PHONE is 390 px wide).
const NARROW_PHONE = Object.freeze({ width: 360, height: 740 });

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const words = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('personnel on a phone', () => {
  let server;
  let browser;
  let page;
  // Filled in as the scenario goes: the demo coach, and the person whose gap is closed.
  const coach = { id: null, name: null };
  const closed = { id: null, name: null, code: null, label: null };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await newPage(browser, server.baseURL, PHONE);
    await signIn(page, DEMO_USERS.supervisor);
    await page.waitForURL((url) => url.pathname === '/');
  });

  after(async () => {
    await page?.context().close();
    await browser?.close();
    await server?.stop();
  });

  const serverTail = (lines = 30) => server.output().trimEnd().split('\n').slice(-lines).join('\n');

  /** The usual checks for a page on a phone; the fit is checked on a narrower 360 px phone too. */
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
  }

  /** Opens `path` and checks it answered 200. */
  async function open(path) {
    const res = await page.goto(path);
    assert.equal(res.status(), 200, `GET ${path}\n${serverTail()}`);
  }

  /** Taps `act` (a button that submits a form) and returns the response to that POST. */
  async function submit(act) {
    const posted = page.waitForResponse((res) => res.request().method() === 'POST' && res.request().isNavigationRequest());
    await act();
    const res = await posted;
    await page.waitForLoadState('load');
    return res;
  }

  /** A flash notice of `kind` in <main> says `text`. */
  async function assertFlash(kind, text) {
    const flash = page.locator(`main .notice-${kind}[role="status"]`).filter({ hasText: text });
    await assert.doesNotReject(flash.first().waitFor(), `${kind} flash "${text}" shown on ${page.url()}`);
  }

  /** The rows of the Team table: name, overview link and the words in each column. */
  async function teamRows() {
    return page.locator('main table#team tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cell = (label) => tr.querySelector(`[data-label="${label}"]`)?.textContent.replace(/\s+/g, ' ').trim();
        return {
          name: tr.querySelector('th').textContent.trim(),
          href: tr.querySelector('a[href^="/team/"]').getAttribute('href'),
          gaps: cell('Gaps'),
          certification: cell('Certification'),
        };
      }),
    );
  }

  /** The competency checklist on an overview: code, whether it is a gap, and its standing. */
  async function checklist() {
    return page.locator('main #competency li[id^="need-"]').evaluateAll((lis) =>
      lis.map((li) => ({
        code: li.id.slice('need-'.length),
        gap: li.classList.contains('row-overdue'),
        standing: li.querySelector('.tag')?.textContent.trim(),
        text: li.textContent.replace(/\s+/g, ' ').trim(),
      })),
    );
  }

  test('Team flags the demo coach, whose certification lapses within 60 days', async () => {
    await withArtifacts('personnel-team', page, async () => {
      // Team is in the supervisor's navigation.
      await page.locator('header a[href="/team"], nav a[href="/team"]').first().waitFor({ state: 'attached' });
      await open('/team');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Team' }).waitFor());
      await checkPage('team');

      const rows = await teamRows();
      assert.ok(rows.length > 1, 'the supervisor sees their team');
      const expiring = rows.filter((r) => r.certification === 'Certification expiring');
      assert.ok(expiring.length > 0, `someone's certification is flagged as expiring: ${JSON.stringify(rows)}`);

      // The demo coach is the flagged one whose certification lapses 45 days from today.
      const lapses = dayInOrg(COACH_CERTIFICATE_DAYS);
      for (const r of expiring) {
        await open(r.href);
        const card = page.locator('main #certifications li.card').filter({ hasText: `expires ${lapses}` });
        if ((await card.count()) > 0) {
          coach.id = r.href.match(STAFF_PATH)[1];
          coach.name = r.name;
          break;
        }
      }
      assert.ok(coach.id, `a flagged certification expiring on ${lapses} among ${expiring.map((r) => r.name)}`);
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: coach.name }).waitFor());
      const card = page.locator('main #certifications li.card').filter({ hasText: `expires ${lapses}` });
      assert.match(words(await card.locator('.tag').textContent()), /Expires within 60 days/);

      // The checklist shows every requirement with its standing; the certification is still met
      // but says when it lapses.
      const items = await checklist();
      assert.ok(items.length > 20, `the coach's checklist lists what a peer's role requires (${items.length})`);
      const certification = items.find((i) => i.code === 'peer-certification');
      assert.ok(certification, 'the checklist has the peer certification');
      assert.equal(certification.gap, false, 'a certification still in force is not a gap');
      assert.match(certification.standing, new RegExp(`Lapses after ${lapses}`));
      assert.match(words(await page.locator('main #gap-summary').textContent()), /lapse soon/);
      await checkPage('the coach’s overview');
    });
  });

  test('a missing training topic is recorded and the gap closes', async () => {
    await withArtifacts('personnel-training', page, async () => {
      // Only the people with gaps.
      await open('/team');
      await page.locator('main #gaps').check();
      await page.locator('main form.filter-form').getByRole('button', { name: 'Show' }).tap();
      await page.waitForURL((url) => url.pathname === '/team' && url.searchParams.has('gaps'));
      const rows = await teamRows();
      assert.ok(rows.length > 0, 'someone on the team has a gap');
      for (const r of rows) assert.match(r.gaps, /\d+ gaps?/, `${r.name} is listed for a gap`);
      await checkPage('team with gaps only');

      // Someone whose training page says a required topic is still needed.
      for (const r of rows) {
        await open(`${r.href}/training`);
        const needed = page
          .locator('#record-completion label.choice')
          .filter({ has: page.locator('.needed') })
          .locator('input[name="topics"]');
        if ((await needed.count()) > 0) {
          closed.id = r.href.match(STAFF_PATH)[1];
          closed.name = r.name;
          closed.code = await needed.first().getAttribute('value');
          break;
        }
      }
      assert.ok(closed.code, `a training topic still needed by one of ${rows.map((r) => r.name)}`);
      const stillNeeded = words(await page.locator('main #needed .topic-list').textContent());
      await checkPage(`${closed.name}'s training`);

      // The overview shows that topic as a gap.
      await page.locator('main nav.sub-nav').getByRole('link', { name: 'Overview' }).tap();
      await page.waitForURL((url) => url.pathname === `/team/${closed.id}`);
      let items = await checklist();
      const before = items.find((i) => i.code === closed.code);
      assert.ok(before?.gap, `${closed.code} is a gap on ${closed.name}'s overview`);
      assert.equal(before.standing, 'Missing');
      closed.label = before.text.replace(/\s*Missing$/, '');
      assert.ok(stillNeeded.includes(closed.label), `"${closed.label}" is in the training page's "still needed"`);
      const gapsBefore = items.filter((i) => i.gap).length;
      await checkPage(`${closed.name}'s overview`);

      // Record a completed course covering it.
      await page.locator('main nav.sub-nav').getByRole('link', { name: 'Training' }).tap();
      await page.waitForURL((url) => url.pathname === `/team/${closed.id}/training`);
      const form = page.locator('main #record-completion form');
      await form.locator('#title').fill(`Workshop: ${closed.label}`);
      const box = form.locator(`input[name="topics"][value="${closed.code}"]`);
      const group = form.locator('details').filter({ has: page.locator(`input[name="topics"][value="${closed.code}"]`) });
      if (!(await group.evaluate((d) => d.open))) await group.locator('summary').tap();
      await box.check();
      await form.locator('#completed_on').fill(dayInOrg());
      await form.locator('#hours').fill('3');
      await form.locator('#provider').fill('Harbourview Training Cooperative');
      await form.locator('#phase').selectOption('in-service');
      await form.locator('#note').fill('Synthetic record made by the browser test.');
      const res = await submit(() => form.getByRole('button', { name: 'Save training' }).tap());
      assert.equal(res.status(), 303, `the training is recorded\n${serverTail()}`);
      await page.waitForURL((url) => url.pathname === `/team/${closed.id}/training`);
      await assertFlash('success', 'Training recorded.');
      const record = page.locator('main #records li.record-card').filter({ hasText: `Workshop: ${closed.label}` });
      await assert.doesNotReject(record.first().waitFor(), 'the new record is listed');
      assert.match(words(await record.first().textContent()), new RegExp(escapeRe(dayInOrg())));
      const choice = page.locator('#record-completion label.choice').filter({
        has: page.locator(`input[name="topics"][value="${closed.code}"]`),
      });
      assert.equal(await choice.locator('.needed').count(), 0, 'the topic is no longer marked as still needed');
      await checkPage(`${closed.name}'s training after recording`);

      // The gap is closed on the overview.
      await page.locator('main nav.sub-nav').getByRole('link', { name: 'Overview' }).tap();
      await page.waitForURL((url) => url.pathname === `/team/${closed.id}`);
      items = await checklist();
      const now = items.find((i) => i.code === closed.code);
      assert.equal(now.gap, false, `${closed.code} is no longer a gap`);
      assert.equal(now.standing, `Met · ${dayInOrg()}`);
      assert.equal(items.filter((i) => i.gap).length, gapsBefore - 1, 'one gap fewer');
      if (gapsBefore === 1) assert.match(words(await page.locator('main #gap-summary').textContent()), /^No gaps/);
    });
  });

  test('the competency matrix highlights gaps and exports CSV', async () => {
    assert.ok(closed.code, 'the gap closed by the previous test');
    await withArtifacts('personnel-matrix', page, async () => {
      await open('/team/matrix');
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Competency matrix' }).waitFor());

      // People by requirement.
      const table = page.locator('main table.matrix');
      const columns = await table.locator('thead tr:nth-child(2) th.col').evaluateAll((ths) => ths.map((th) => th.title));
      assert.ok(columns.length >= 41, `a column per requirement (${columns.length})`);
      const rows = await table.locator('tbody tr').count();
      assert.ok(rows > 1, `a row per person (${rows})`);
      for (const r of await table.locator('tbody tr').all()) {
        assert.equal(await r.locator('td').count(), columns.length + 1, 'every row has a cell per column and its gap count');
      }

      // Gaps stand out in colour and say so in words.
      const gaps = table.locator('tbody td.gap');
      assert.ok((await gaps.count()) > 0, 'some cells are gaps');
      const look = await gaps.first().evaluate((td) => {
        const style = getComputedStyle(td);
        const ok = td.closest('tbody').querySelector('td.ok');
        return { text: td.textContent, background: style.backgroundColor, plain: ok && getComputedStyle(ok).backgroundColor };
      });
      assert.match(look.text, /Missing|Expired/, 'a gap says so');
      assert.notEqual(look.background, look.plain, 'a gap is highlighted');

      // The gap closed above is met now.
      const column = columns.findIndex((t) => t.endsWith(`(${closed.code})`));
      assert.ok(column >= 0, `a column for ${closed.code}`);
      const row = table.locator('tbody tr').filter({ has: page.locator(`th a[href="/team/${closed.id}/training"]`) });
      const cell = row.locator('td').nth(column + 1);
      assert.match(await cell.getAttribute('class'), /\bok\b/, `${closed.name}'s ${closed.code} is met in the matrix`);

      // Wide as it is, the table scrolls inside its own region and the page fits the phone.
      const wrap = page.locator('main .matrix-wrap');
      const region = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      assert.ok(region.scroll > region.client, 'the matrix scrolls sideways inside its region');
      assert.equal(await wrap.getAttribute('role'), 'region');
      await checkPage('competency matrix');

      // CSV export.
      const link = page.locator('main a[href^="/team/matrix.csv"]');
      const href = await link.getAttribute('href');
      const answer = await page.request.get(href);
      assert.equal(answer.status(), 200);
      assert.match(answer.headers()['content-type'], /^text\/csv/);
      const downloading = page.waitForEvent('download');
      await link.tap();
      const download = await downloading;
      assert.match(download.suggestedFilename(), /\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      const lines = csv.trimEnd().split(/\r?\n/);
      assert.equal(lines.length, rows + 1, 'a header line and a line per person');
      assert.ok(csv.includes(closed.name), 'the CSV names the people');
    });
  });

  test('a supervision session is logged and the team workload shows', async () => {
    assert.ok(coach.id, 'the demo coach found by the first test');
    await withArtifacts('personnel-supervision', page, async () => {
      await open(`/team/${coach.id}`);
      await page.locator('main nav.sub-nav').getByRole('link', { name: 'Supervision' }).tap();
      await page.waitForURL((url) => url.pathname === `/team/${coach.id}/supervision`);
      await checkPage(`${coach.name}'s supervision`);

      const log = page.locator('main details#log');
      if (!(await log.evaluate((d) => d.open))) await log.locator('summary').tap();
      await page.locator('#held_on').fill(dayInOrg());
      await page.locator('#minutes').fill('50');
      const topics = page.locator('main #topics input[name="topics"]');
      await topics.nth(0).check();
      await topics.nth(1).check();
      await page.locator('#notes').fill('Talked through the certification renewal and the training goals for the quarter.');
      await checkPage(`${coach.name}'s supervision form`);
      const res = await submit(() => page.getByRole('button', { name: 'Save the session' }).tap());
      assert.equal(res.status(), 303, `the session is saved\n${serverTail()}`);
      await page.waitForURL((url) => url.pathname === `/team/${coach.id}/supervision`);
      await assertFlash('success', 'Session saved.');
      const session = page.locator('main #sessions li.card').filter({ has: page.locator('h3', { hasText: `${dayInOrg()} · ` }) });
      await assert.doesNotReject(session.first().waitFor(), 'the session is listed');
      assert.match(words(await session.first().textContent()), /certification renewal/);
      assert.match(words(await page.locator('main #standing').textContent()), new RegExp(escapeRe(dayInOrg())));
      await checkPage(`${coach.name}'s supervision after saving`);

      await open('/team/workload');
      await assert.doesNotReject(page.getByRole('heading', { level: 1 }).first().waitFor());
      const workers = await page.locator('main table tbody tr').count();
      assert.ok(workers > 0, 'the workload lists the team');
      await assert.doesNotReject(page.locator('main table').getByRole('link', { name: coach.name }).waitFor());
      await checkPage('team workload');
    });
  });
});
