// Shared helpers for the browser tests: start a throwaway `mainstay serve --demo`,
// drive the system Chromium through playwright-core, and run axe-core checks.
//
// Environment:
//   MAINSTAY_BIN      path to the mainstay binary (default: $CARGO_TARGET_DIR/debug/mainstay,
//                     else ../target/debug/mainstay relative to e2e/)
//   MAINSTAY_CHROMIUM path to Chromium (default: /usr/bin/chromium)
//   E2E_KEEP_TMP=1    keep the temporary database directory for inspection

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');

export const DEMO_PASSWORD = 'mainstay-demo';
export const DEMO_USERS = {
  admin: 'admin@demo.example',
  director: 'director@demo.example',
  supervisor: 'supervisor@demo.example',
  coach: 'coach@demo.example',
  facilitator: 'facilitator@demo.example',
  referral: 'referral@demo.example',
  quality: 'quality@demo.example',
};

// Flags required on this machine: no sandbox as root, no GPU, and nothing that
// phones home (the network only reaches package registries).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const HEALTH_TIMEOUT_MS = 60_000;

export function mainstayBin() {
  if (process.env.MAINSTAY_BIN) return path.resolve(process.env.MAINSTAY_BIN);
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(E2E_DIR, '..', process.env.CARGO_TARGET_DIR)
    : path.join(E2E_DIR, '..', 'target');
  return path.join(targetDir, 'debug', 'mainstay');
}

/** Ask the kernel for an unused TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start `mainstay serve --demo` on a free port with a fresh SQLite database.
 * Resolves once GET /healthz answers 200. Returns { baseURL, output(), stop() }.
 */
export async function startServer() {
  const bin = mainstayBin();
  assert.ok(existsSync(bin), `mainstay binary not found at ${bin} (build it or set MAINSTAY_BIN)`);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mainstay-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const args = ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--database', `sqlite://${tmp}/e2e.db`];

  const child = spawn(bin, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  let log = '';
  const collect = (chunk) => {
    log += chunk.toString();
    if (log.length > 2_000_000) log = log.slice(-1_000_000); // keep memory bounded
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  // Never leave a server behind if the test process dies.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = sleep(10_000, 'timeout', { ref: false }); // unref: don't hold the process open
      if ((await Promise.race([exitPromise, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(path.join(ARTIFACTS_DIR, 'server.log'), log);
    if (!process.env.E2E_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      assert.fail(`mainstay exited early (${JSON.stringify(exited)}) running ${bin} ${args.join(' ')}\n${log}`);
    }
    try {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      assert.fail(`GET /healthz did not return 200 within ${HEALTH_TIMEOUT_MS / 1000}s\n${log}`);
    }
    await sleep(200);
  }

  return { baseURL, output: () => log, stop };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.MAINSTAY_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A phone-sized context: pass as the third argument of newPage. */
export const PHONE = Object.freeze({
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
});

/**
 * New page in a fresh context (own cookies). bypassCSP is needed because the app's
 * CSP forbids inline scripts, and axe-core is injected as an inline script.
 * `device` optionally sets viewport, deviceScaleFactor, isMobile and hasTouch (see PHONE);
 * without it the context uses Playwright's default desktop viewport.
 */
export async function newPage(browser, baseURL, device = {}) {
  const { viewport, deviceScaleFactor, isMobile, hasTouch } = device;
  const context = await browser.newContext({
    baseURL,
    bypassCSP: true,
    locale: 'en-US',
    ...(viewport !== undefined && { viewport }),
    ...(deviceScaleFactor !== undefined && { deviceScaleFactor }),
    ...(isMobile !== undefined && { isMobile }),
    ...(hasTouch !== undefined && { hasTouch }),
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context.newPage();
}

let axeSource;

/** Run axe-core on the current page; fail on any serious or critical violation. */
export async function checkAxe(page, label = page.url()) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const text = bad
      .map((v) => {
        const nodes = v.nodes
          .slice(0, 5)
          .map((n) => `    - ${n.target}\n      ${n.html.slice(0, 200)}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`)
          .join('\n');
        const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
        return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}${more}`;
      })
      .join('\n');
    assert.fail(`axe found ${bad.length} serious/critical violation(s) on ${label}:\n${text}`);
  }
}

/** Sign in through the HTML form; resolves once the browser has left /login. */
export async function signIn(page, email, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The header must carry a crisis link (or button) pointing at /crisis on every page. */
export async function assertCrisisLink(page) {
  const header = page.locator('header, [role="banner"]').first();
  const link = header.locator('a[href$="/crisis"]').filter({ hasText: /Crisis/ });
  const button = header.locator('form[action$="/crisis"] button').filter({ hasText: /Crisis/ });
  const found = (await link.count()) + (await button.count());
  assert.ok(found > 0, `no header link/button containing "Crisis" to /crisis on ${page.url()}`);
}

/**
 * Run fn(); on failure save a screenshot and the page HTML to e2e/artifacts/ before
 * rethrowing, so CI failures can be inspected after the fact.
 */
export async function withArtifacts(name, page, fn) {
  try {
    return await fn();
  } catch (err) {
    const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
    try {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${slug}.png`), fullPage: true });
      writeFileSync(path.join(ARTIFACTS_DIR, `${slug}.html`), await page.content());
      console.error(`artifacts saved to ${ARTIFACTS_DIR}/${slug}.{png,html} (url: ${page.url()})`);
    } catch (shotErr) {
      console.error(`could not save artifacts: ${shotErr.message}`);
    }
    throw err;
  }
}

/** Random lowercase letters, for unique synthetic names. */
export function randomLetters(n) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/**
 * Every id on the page is unique and every visible form control has a label of its own. axe only
 * lists duplicate ids as "needs review", but a label then names only the first control with that id
 * (the request page has several forms with a Program select and a Note box).
 */
export async function assertFormsLabelled(page, label) {
  const problems = await page.evaluate(() => {
    const found = [];
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    for (const [id, n] of seen) if (n > 1) found.push(`id "${id}" used ${n} times`);
    for (const el of document.querySelectorAll('main input:not([type="hidden"]), main select, main textarea')) {
      if (el.closest('[hidden]')) continue;
      if (el.labels.length !== 1 && !el.getAttribute('aria-label')) {
        found.push(`${el.tagName.toLowerCase()}[name="${el.name}"]#${el.id} has ${el.labels.length} labels`);
      }
    }
    return found;
  });
  assert.deepEqual(problems, [], `${label}: ids unique and every form control labelled`);
}

/** Nothing is wider than the phone's screen, so no sideways scrolling is needed. */
export async function assertFitsScreen(page, label) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${label}: page is ${scrollWidth}px wide on a ${innerWidth}px screen`);
}
