// A provincial committee's supervision work in the web app (/app/), in
// headless Chromium on a 390×844 phone, on the demo province:
//   1. the reminders (nhắc việc) of the province and below, as the page
//      lists them, with one card's delivery history opened;
//   2. a visit plan proposed on the page for the current quarter, one visit
//      removed with a reason, the plan approved;
//   3. the dashboard's coverage for the quarter, planned against done per
//      team; a team's report for the quarter from the plan's load table, the
//      leader's proposals saved on the page, and its printable text.
// Prints what it saw as JSON; dashboard_test.cc checks it against the RPCs.
//   node app_supervision.mjs URL ADMIN_TOKEN ADMIN_PASSWORD SHOT_DIR
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, adminToken, adminPassword, shotDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function admin(path) {
  const res = await fetch(base + path, { headers: { Authorization: `Bearer ${adminToken}` } });
  const json = await res.json();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const today = new Date(Date.now() + 7 * 3600000).toISOString().slice(0, 10);
const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;

const out = { axe: {}, wide: {}, shots: [], quarter };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
const check = async (page, name) => {
  await page.evaluate(axeSource);
  out.axe[name] = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  await page.setViewportSize({ width: 360, height: 800 });
  out.wide[name] = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: `${shotDir}/app-${name}-1400.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shotDir}/app-${name}-390.png`, fullPage: true });
  out.shots.push(`app-${name}-390.png`, `app-${name}-1400.png`);
};
try {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/app/login`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', adminPassword);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 20000 });

  // 1. Reminders: the scan runs on a timer (every 5 s here), also while the
  // demo's history was being loaded — reminders raised then for meetings
  // recorded later are resolved by the next pass. Wait until two reads a
  // pass apart agree.
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const n = (await admin('/api/v1/org-units/tinh/reminders?below=true&page_size=1')).outstanding;
    if (n > 0 && n === last) break;
    last = n;
    await sleep(6000);
  }
  await page.goto(`${base}/app/units/tinh`);
  await page.waitForSelector('a[data-reminders-link]:not([data-reminders-link=loading])', { timeout: 20000 });
  out.homeRemindersLink = await page.getAttribute('a[data-reminders-link]', 'data-reminders-link');
  await page.goto(`${base}/app/units/tinh/reminders`);
  await page.waitForSelector('[data-outstanding]', { timeout: 20000 });
  out.remindersOutstandingShown = await page.getAttribute('[data-outstanding]', 'data-outstanding');
  out.reminderCards = await page.locator('[data-reminder]').count();
  out.reminderIds = await page.$$eval('[data-reminder]', (els) => els.map((e) => e.dataset.reminder));
  if (out.reminderCards > 0) {
    await page.click('[data-reminder] summary');
    await page.waitForSelector('[data-reminder] details p, [data-reminder] details ul', { timeout: 20000 });
    out.firstReminderHistory = (await page.textContent('[data-reminder] details')).trim();
  }
  await check(page, 'reminders');

  // 2. The plan: proposed, one visit removed with a reason, approved.
  await page.goto(`${base}/app/units/tinh/visit-plans`);
  await page.waitForSelector('form[data-propose]', { timeout: 20000 });
  await check(page, 'visit-plans');
  await page.selectOption('select[name=period]', quarter);
  await page.click('form[data-propose] button[type=submit]');
  await page.waitForURL((u) => /\/app\/visit-plans\/[^/]+$/.test(u.pathname), { timeout: 60000 });
  await page.waitForSelector('main[data-plan-page]', { timeout: 30000 });
  out.planId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  out.proposedRows = await page.locator('table[data-visits] tbody tr').count();
  out.proposedVisitsShown = (await page.textContent('[data-figure=visits] dd')).trim();
  out.proposedCoveredShown = (await page.textContent('[data-figure=cellsCovered] dd')).trim();
  await check(page, 'visit-plan');
  const firstRow = page.locator('table[data-visits] tbody tr').first();
  out.removed = await firstRow.getAttribute('data-meeting');
  await firstRow.locator('input').fill('Trùng lịch hội nghị của Tỉnh ủy');
  await firstRow.locator('button[data-remove]').click();
  await page.waitForFunction((n) => document.querySelectorAll('table[data-visits] tbody tr').length === n - 1,
    out.proposedRows, { timeout: 30000 });
  out.adjustedRows = await page.locator('table[data-visits] tbody tr').count();
  await page.click('button[data-approve]');
  await page.waitForSelector('main[data-status=APPROVED]', { timeout: 30000 }).catch(async (e) => {
    throw new Error(`${e.message}\n${await page.textContent('main')}`);
  });
  out.approvedRemoveButtons = await page.locator('button[data-remove]').count();

  // The dashboard's coverage for the quarter: planned against done per team.
  await page.goto(`${base}/?org=tinh&year=${quarter.slice(0, 4)}&kind=quarter&part=${quarter.slice(6)}`);
  await page.waitForSelector(`body[data-loaded="tinh|${quarter}"]`, { timeout: 30000 });
  out.coverageTeams = await page.$$eval('[data-figure^="coverage.team."]',
    (els) => Object.fromEntries(els.map((e) => [e.dataset.figure, e.textContent.trim()])));
  await page.goto(`${base}/app/visit-plans/${encodeURIComponent(out.planId)}`);
  await page.waitForSelector('main[data-status=APPROVED]', { timeout: 30000 });

  // 3. The first team's report for the quarter, with its proposals.
  const teamLink = page.locator('table[data-loads] a').first();
  out.teamHref = await teamLink.getAttribute('href');
  await teamLink.click();
  await page.waitForSelector('main[data-team-report]', { timeout: 30000 });
  out.teamPlannedShown = (await page.textContent('[data-figure=visitsPlanned] dd')).trim();
  await page.fill('form[data-proposals] textarea', 'Đề nghị bố trí xe cho tổ đi các chi bộ vùng cao.');
  await page.click('form[data-proposals] button[type=submit]');
  await page.waitForFunction(() => (document.querySelector('[data-report-text]') || {}).textContent?.includes('bố trí xe'),
    null, { timeout: 30000 });
  out.teamReportText = await page.textContent('[data-report-text]');
  await check(page, 'team-report');
  out.errors = errors;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
