// Times the web app's first page in headless Chromium (Debian's, through the
// playwright-core of tests/e2e): tests/bench/app_bench.sh starts the system
// and runs this.
//
//   dashboard  http://HOST/?year=YEAR#token=TOKEN, from the navigation's
//              start to body[data-loaded] (set when the last report is drawn)
//   app        /app/ signed in as admin, from the navigation's start to
//              [data-figure=held] shown (the province's figures)
//
// Rounds, each a new page: "cold" is the first page of a just-launched
// browser (empty HTTP cache); "warm" are the next pages in the same browser
// context (its HTTP cache and, for /app/, its service worker); "fresh" each
// open a new context (empty cache again) in the same, already warm browser.
// The app's cold round is its sign-in page (a person always lands there
// first): /app/login until the form shows, then the submit until the figures
// show; the app's fresh contexts sign in with POST /api/v1/session (what the
// form sends) and time /app/ from an empty cache.
//
// The time is read inside the page — performance.now(), whose origin is the
// navigation's start, when a MutationObserver first sees the element — so it
// has none of the driver's polling in it; "outer" is the driver's own clock
// around goto + wait, for comparison.
//
// Prints JSON on stdout: the rounds, each page's requests (resource timing),
// the JS it fetched, and every console error, page error, failed request and
// HTTP status ≥ 400 seen.
//   node app_load.mjs BASE_URL TOKEN YEAR PASSWORD [WARM=10] [FRESH=5]
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs';

const [base, token, year, password, warmArg, freshArg] = process.argv.slice(2);
const WARM = Number(warmArg || 10);
const FRESH = Number(freshArg || 5);
const TIMEOUT = 60000;
const log = (...a) => console.error('app_load:', ...a);

// Installed in every page before its scripts: the first moment each
// milestone is in the DOM, in ms since the navigation started.
const MILESTONES = () => {
  const seen = {};
  window.__chiboTimes = seen;
  const check = () => {
    const now = performance.now();
    if (seen.loaded === undefined && document.body && document.body.hasAttribute('data-loaded')) seen.loaded = now;
    if (seen.held === undefined) {
      const held = document.querySelector('[data-figure=held]');
      if (held && held.textContent.trim() !== '' && held.getClientRects().length > 0) seen.held = now;
    }
    if (seen.loginForm === undefined && document.querySelector('input[name=password]')) seen.loginForm = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
};

const problems = [];
const jsResponses = new Map();  // url → {status, encoding, bytes}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function newContext(kind) {
  const options = kind === 'app'
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' }
    : { viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
  const context = await browser.newContext(options);
  await context.addInitScript(MILESTONES);
  return context;
}

function watch(page, label) {
  // Before signing in, the app's whoami is answered 401 (that is how it
  // knows to show the form): expected, not counted.
  const signingIn = label.startsWith('app sign-in');
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (signingIn && /status of 401/.test(m.text())) return;
    problems.push(`${label}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label}: page error: ${e}`));
  page.on('requestfailed', (r) => problems.push(`${label}: request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', async (r) => {
    if (r.status() >= 400 && !(signingIn && r.status() === 401 && new URL(r.url()).pathname === '/api/v1/whoami')) problems.push(`${label}: HTTP ${r.status()} ${r.url()}`);
    if (/\.js(\?|$)/.test(r.url()) && !jsResponses.has(r.url())) {
      const h = r.headers();
      jsResponses.set(r.url(), { status: r.status(), encoding: h['content-encoding'] || 'identity',
                                 contentLength: h['content-length'] ? Number(h['content-length']) : null });
    }
  });
}

// What the page fetched: path, ms, bytes over the wire (0 = from the HTTP
// cache), and whether a service worker answered.
const requests = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({
  path: new URL(e.name).pathname + new URL(e.name).search,
  start: Math.round(e.startTime * 10) / 10,
  ms: Math.round(e.duration * 10) / 10,
  transfer: e.transferSize,
  body: e.encodedBodySize,
  worker: e.workerStart > 0,
})));

// One timed navigation: goto URL, wait for the selector, read the milestone.
async function timed(context, label, url, selector, milestone) {
  const page = await context.newPage();
  watch(page, label);
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
  await page.waitForSelector(selector, { timeout: TIMEOUT, state: 'visible' });
  const outer = performance.now() - t0;
  const times = await page.evaluate(() => window.__chiboTimes);
  const result = { label, ms: Math.round(times[milestone] * 10) / 10, outer: Math.round(outer * 10) / 10,
                   requests: await requests(page) };
  log(`${label}: ${result.ms} ms (outer ${result.outer} ms)`);
  await page.close();
  return result;
}

const out = { dashboard: [], app: [], problems, js: [] };
try {
  // ------------------------------------------------------------ dashboard
  const dashUrl = `${base}/?year=${year}#token=${token}`;
  let context = await newContext('dashboard');
  out.dashboard.push({ round: 'cold', ...await timed(context, 'dashboard cold', dashUrl, 'body[data-loaded]', 'loaded') });
  for (let i = 1; i <= WARM; i++) {
    out.dashboard.push({ round: 'warm', ...await timed(context, `dashboard warm ${i}`, dashUrl, 'body[data-loaded]', 'loaded') });
  }
  await context.close();
  for (let i = 1; i <= FRESH; i++) {
    context = await newContext('dashboard');
    out.dashboard.push({ round: 'fresh', ...await timed(context, `dashboard fresh ${i}`, dashUrl, 'body[data-loaded]', 'loaded') });
    await context.close();
  }

  // ------------------------------------------------------------ app
  context = await newContext('app');
  const login = await timed(context, 'app sign-in page cold', `${base}/app/login`, 'input[name=password]', 'loginForm');
  out.app.push({ round: 'login', ...login });
  {
    // The sign-in itself: the form, submitted, until the figures show (the
    // app routes to /app/ without a navigation, so this is the driver's clock).
    const page = await context.newPage();
    watch(page, 'app sign-in');
    await page.goto(`${base}/app/login`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', password);
    const t0 = performance.now();
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-figure=held]', { timeout: TIMEOUT, state: 'visible' });
    const ms = Math.round((performance.now() - t0) * 10) / 10;
    out.app.push({ round: 'signin', label: 'app sign-in → figures', ms, outer: ms, requests: await requests(page) });
    out.appHeld = (await page.textContent('[data-figure=held]')).trim();
    log(`app sign-in → figures: ${ms} ms (held ${out.appHeld})`);
    await page.close();
  }
  for (let i = 1; i <= WARM; i++) {
    out.app.push({ round: 'warm', ...await timed(context, `app warm ${i}`, `${base}/app/`, '[data-figure=held]', 'held') });
  }
  await context.close();
  for (let i = 1; i <= FRESH; i++) {
    context = await newContext('app');
    const res = await context.request.post(`${base}/api/v1/session`, { data: { username: 'admin', password } });
    if (!res.ok()) throw new Error(`POST /api/v1/session: ${res.status()} ${await res.text()}`);
    out.app.push({ round: 'fresh', ...await timed(context, `app fresh ${i}`, `${base}/app/`, '[data-figure=held]', 'held') });
    await context.close();
  }
  out.js = [...jsResponses].map(([url, r]) => ({ path: new URL(url).pathname, ...r }));
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
