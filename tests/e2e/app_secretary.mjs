// A cell secretary's month in the web app (/app/), in headless Chromium
// (Debian's, through playwright-core) on a 390×844 phone:
//   1. as the admin (bearer token, through the gateway's transcoded API): an
//      account for the secretary of one cell, and two meetings of that cell
//      held earlier (one today, one yesterday) waiting for their minutes;
//   2. the secretary signs in, finds the meeting on the cell's page, records
//      the roll call from the pre-filled roster (one member excused with a
//      reason, one unexcused) and the outcome, then approves the minutes; a
//      second tab that still had the form open is refused on the page;
//   3. offline (playwright's offline mode): the other meeting is recorded,
//      shown as pending, survives a reload, and syncs when the network
//      returns; sending the same write again records nothing new;
//   4. a supervisor of a provincial team records a visit to the first meeting
//      with a score per criterion of the rubric in force, a recommendation,
//      then follows it up; the grade shows, the activity report moves;
//   5. axe-core on each page, no horizontal scroll at 360 px, screenshots at
//      390 and 1400 px.
// Prints what it saw as JSON; dashboard_test.cc checks it against the RPCs.
//   node app_secretary.mjs URL ADMIN_TOKEN SHOT_DIR
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, adminToken, shotDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function admin(path, { method = 'GET', body } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// Local wall-clock minute in Asia/Ho_Chi_Minh, `minutesAgo` before now.
function localMinute(minutesAgo) {
  const d = new Date(Date.now() - minutesAgo * 60000 + 7 * 3600000);
  return d.toISOString().slice(0, 16);
}

const out = { axe: {}, wide: {}, shots: [] };

// ---------------------------------------------------------------- setup
const cells = await admin('/api/v1/org-units/tinh/children?subtree=true&kind=SUBORDINATE_CELL&page_size=50');
let cell = null;
let roster = null;
for (const c of cells.orgUnits) {
  const r = await admin(`/api/v1/org-units/${c.id}/roster?date=${localMinute(0).slice(0, 10)}`);
  if (r.expected >= 3) { cell = c; roster = r; break; }
}
if (!cell) throw new Error('no cell with three expected members');
out.cell = cell.id;
const password = 'mật-khẩu-bí-thư-2026';
await admin('/api/v1/accounts', { method: 'POST', body: {
  account: { username: 'bithu.e2e', roles: ['secretary'], scopeOrgId: cell.id, displayName: 'Bí thư (e2e)' },
  password, requestId: 'e2e-account' } });
const meeting = async (minutesAgo, title, key) => (await admin('/api/v1/meetings', { method: 'POST', body: {
  meeting: { cellId: cell.id, kind: 'REGULAR', title, startsAt: localMinute(minutesAgo),
             endsAt: localMinute(minutesAgo - 90), place: 'Nhà văn hóa' }, requestId: `e2e-${key}-${Date.now()}` } }));
const m1 = await meeting(200, 'Sinh hoạt thường kỳ (e2e)', 'm1');
const m2 = await meeting(26 * 60, 'Sinh hoạt bổ sung (e2e)', 'm2');
out.meetings = [m1.id, m2.id];
const expected = roster.entries.filter((e) => e.presence === 'EXPECTED');
const year = localMinute(0).slice(0, 4);
const team = (await admin('/api/v1/org-units/tinh/teams')).teams.find((x) => x.level === 'PROVINCE_LEVEL');
out.team = team.id;
await admin('/api/v1/accounts', { method: 'POST', body: {
  account: { username: 'giamsat.e2e', roles: ['supervisor'], scopeOrgId: 'tinh', memberId: team.leaderMemberId },
  password, requestId: 'e2e-supervisor' } });
const provincialMeetings = async () => ((await admin(`/api/v1/reports/activity?org_unit_id=tinh&period=${year}`)).levels
  .find((l) => l.level === 'PROVINCE_LEVEL') || {}).cellMeetingsAttended || 0;
out.provincialBefore = await provincialMeetings();
// A provincial committee member following the cell, who may go alone (seed 000).
const follower = (await admin('/api/v1/org-units/tinh/members?subtree=true&status=ACTIVE&page_size=50')).members
  .find((x) => x.homeCellId !== cell.id && x.id !== team.leaderMemberId && x.status === 'ACTIVE');
await admin(`/api/v1/members/${follower.id}/positions`, { method: 'POST', body: {
  orgUnitId: 'tinh', position: 'COMMITTEE_MEMBER', effectiveOn: `${year}-01-01`, requestId: `e2e-seat-${Date.now()}` } });
await admin('/api/v1/follow-assignments', { method: 'POST', body: {
  assignment: { memberId: follower.id, cellId: cell.id, fromDate: `${year}-01-01` }, requestId: `e2e-follow-${Date.now()}` } });
out.lone = follower.id;
out.excused = expected[0].memberId;
out.unexcused = expected[1].memberId;

// ---------------------------------------------------------------- browser
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
                                             locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));

  // What axe-core finds serious or critical, and whether the page scrolls
  // sideways at 360 px; a screenshot at 390 and 1400 px.
  const check = async (name, p = page) => {
    await p.evaluate(axeSource);  // evaluated, not a <script>: the page's CSP stays on
    const found = await p.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
    out.axe[name] = found;
    await p.setViewportSize({ width: 360, height: 800 });
    out.wide[name] = await p.evaluate(() => document.documentElement.scrollWidth);
    await p.setViewportSize({ width: 1400, height: 900 });
    await p.screenshot({ path: `${shotDir}/app-${name}-1400.png`, fullPage: true });
    await p.setViewportSize({ width: 390, height: 844 });
    await p.screenshot({ path: `${shotDir}/app-${name}-390.png`, fullPage: true });
    out.shots.push(`app-${name}-390.png`, `app-${name}-1400.png`);
  };

  // Signing in.
  await page.goto(`${base}/app/`);
  await page.waitForURL('**/app/login');
  await check('login');
  await page.fill('input[name=username]', 'bithu.e2e');
  await page.fill('input[name=password]', 'sai mật khẩu');
  await page.click('button[type=submit]');
  out.wrongLogin = (await page.textContent('[role=alert]', { timeout: 10000 })).trim();
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector(`a[href="/app/meetings/${m1.id}"]`, { timeout: 20000 });
  await page.waitForSelector('[data-figure=held]');
  out.heading = (await page.textContent('h1')).trim();
  out.heldBefore = (await page.textContent('[data-figure=held]')).trim();
  await check('cell');
  // A one-off meeting added to the schedule, ten days on.
  await page.click('[data-action=add-meeting]');
  await page.fill('input[name=title]', 'Họp chi bộ bất thường (e2e)');
  const day10 = localMinute(-10 * 24 * 60).slice(0, 10);
  await page.fill('input[name=starts_at]', `${day10}T14:00`);
  await page.fill('input[name=ends_at]', `${day10}T16:00`);
  await page.click('form[aria-labelledby=add-meeting-h] button[type=submit]');
  await page.waitForSelector('[data-added] a', { timeout: 20000 });
  out.addedMeeting = (await page.getAttribute('[data-added] a', 'href')).split('/').pop();
  // Next year's thematic plan: a topic a quarter, saved, submitted.
  const nextYear = Number(localMinute(0).slice(0, 4)) + 1;
  await page.goto(`${base}/app/units/${cell.id}/plan/${nextYear}`);
  await page.waitForSelector('[data-plan-status]');
  for (const [i, topic] of ['Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh', 'Công tác phát triển đảng viên',
                                  'Xây dựng nông thôn mới', 'Tổng kết công tác năm'].entries()) {
    await page.click('text=Thêm chuyên đề');
    await page.fill(`input[data-topic="${i}"]`, topic);
  }
  await page.click('[data-action=save-plan]');
  await page.waitForFunction(() => !document.querySelector('[data-action=submit-plan]').disabled, null, { timeout: 20000 });
  await check('plan');
  await page.click('[data-action=submit-plan]');
  await page.waitForSelector('[data-plan-status=SUBMITTED]', { timeout: 20000 });
  out.planYear = nextYear;
  await page.goto(`${base}/app/`);
  await page.waitForSelector('[data-figure=held]');
  // Another cell's page: refused.
  const other = cells.orgUnits.find((c) => c.id !== cell.id);
  await page.goto(`${base}/app/units/${other.id}`);
  out.otherCell = (await page.textContent('[role=alert]', { timeout: 10000 })).trim();
  out.otherCellStatus = (await page.evaluate((id) => fetch(`/api/v1/org-units/${id}`).then((r) => r.status), other.id));

  // The meeting: the roll call from the roster of its date.
  await page.goto(`${base}/app/`);
  await page.click(`a[href="/app/meetings/${m1.id}"]`);
  await page.waitForSelector('ul.roll li');
  out.rollRows = await page.locator('ul.roll li[data-member]').count();
  out.rosterExpected = expected.length;
  await check('meeting');
  const row = (id) => page.locator(`li[data-member="${id}"]`);
  await row(out.excused).locator('input[value=ABSENT_EXCUSED]').check();
  await row(out.excused).locator('.reason input').fill('Ốm, có đơn xin phép');
  await row(out.unexcused).locator('input[value=ABSENT_UNEXCUSED]').check();
  await page.fill('input[name=speakers]', '4');
  await page.fill('input[name=opinions]', '6');
  await page.fill('textarea[name=resolution]', 'Chi bộ thống nhất triển khai thu đảng phí quý IV.');
  await page.fill('input[name=self_score]', '85');
  await page.click('[data-action=add-guest]');
  await page.fill('input[name=guest-0]', 'Nguyễn Văn An');
  await page.fill('input[name=guest-title-0]', 'Ủy viên Ban Thường vụ Tỉnh ủy');
  out.presentShown = (await page.textContent('[data-present]')).trim();
  await page.click('form.record button[type=submit]');
  await page.waitForSelector('[data-status=HELD]', { timeout: 20000 });

  // A second tab opens the same form; the first approves the minutes; the
  // second tab's edit is refused on its page.
  const tab = await context.newPage();
  tab.on('pageerror', (e) => errors.push(String(e)));
  await tab.goto(`${base}/app/meetings/${m1.id}`);
  await tab.waitForSelector('[data-status=HELD]');
  await page.click('[data-action=approve]');
  await page.waitForSelector('[data-status=MINUTES_APPROVED]', { timeout: 20000 });
  await page.waitForSelector('[data-readonly]');
  out.readOnlyFieldsets = await page.locator('form.record fieldset[disabled]').count();
  out.saveButtonsAfterApproval = await page.locator('form.record button[type=submit]').count();
  await tab.fill('input[name=speakers]', '5');
  await tab.click('form.record button[type=submit]');
  await tab.waitForSelector('[data-refused]', { timeout: 20000 });
  out.refusedOnPage = (await tab.textContent('[data-refused]')).trim();
  await tab.close();
  await page.goto(`${base}/app/`);
  await page.waitForSelector('[data-figure=held]');
  await page.waitForFunction((before) => document.querySelector('[data-figure=held]').textContent.trim() !== before,
                             out.heldBefore, { timeout: 20000 }).catch(() => {});
  out.heldAfter = (await page.textContent('[data-figure=held]')).trim();

  // Offline: the service worker serves the app, the outbox keeps the write.
  await page.goto(`${base}/app/meetings/${m2.id}`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();  // now every request goes through the service worker
  await page.waitForSelector('ul.roll li');
  await context.setOffline(true);
  await page.fill('input[name=speakers]', '2');
  await page.fill('input[name=opinions]', '3');
  await page.fill('textarea[name=resolution]', 'Ghi khi mất mạng.');
  await page.click('form.record button[type=submit]');
  await page.waitForSelector('[data-pending]', { timeout: 10000 });
  out.pendingShown = (await page.textContent('.outbox li[data-state=pending]')).trim();
  await page.reload();  // offline: from the service worker's cache
  await page.waitForSelector('[data-pending]', { timeout: 10000 });
  out.pendingAfterReload = true;
  out.statusWhileOffline = (await admin(`/api/v1/meetings/${m2.id}`)).status;
  await context.setOffline(false);
  await page.waitForSelector('[data-status=HELD]', { timeout: 30000 });
  out.syncedShown = await page.locator('.outbox li[data-state=synced]').count();
  // The same write sent again (as a second sync would): the first answer.
  out.replay = await page.evaluate(async () => {
    const db = await new Promise((ok, ko) => { const r = indexedDB.open('chibo', 1); r.onsuccess = () => ok(r.result); r.onerror = ko; });
    const all = await new Promise((ok) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => ok(r.result); });
    const entry = all.find((e) => e.state === 'synced' && e.path.endsWith(':record') && e.body.speakers === 2);
    const csrf = document.cookie.match(/chibo_csrf=([^;]*)/)[1];
    const res = await fetch(entry.path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
                                          body: JSON.stringify(entry.body) });
    return { status: res.status, etag: (await res.json()).etag, firstEtag: entry.response.etag };
  });

  // A supervisor on another device records a visit to the approved meeting.
  const device = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
                                            locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const sup = await device.newPage();
  sup.on('pageerror', (e) => errors.push(String(e)));
  await sup.goto(`${base}/app/login`);
  await sup.fill('input[name=username]', 'giamsat.e2e');
  await sup.fill('input[name=password]', password);
  await sup.click('button[type=submit]');
  await sup.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 20000 });
  await sup.waitForSelector('[data-figure=held]', { timeout: 20000 });
  await sup.waitForSelector('[data-my-teams] .meetings li', { timeout: 20000 });
  out.supervisorTeamMeetings = await sup.locator('[data-my-teams] .meetings li').count();
  await sup.goto(`${base}/app/meetings/${m1.id}`);
  await sup.click('[data-action=visit]');
  await sup.waitForSelector('select[name=team]');
  await sup.selectOption('select[name=team]', team.id);
  await sup.locator('[role=group] input[type=checkbox]').first().check();
  const criteria = await sup.$$eval('input[data-criterion]', (els) => els.map((e) => e.dataset.criterion));
  out.criteria = criteria;
  const points = [22, 20, 23, 21];
  for (let i = 0; i < criteria.length; ++i) await sup.fill(`input[data-criterion="${criteria[i]}"]`, String(points[i % 4]));
  await sup.fill('textarea[name=observations]', 'Chi bộ chuẩn bị chu đáo, thảo luận sôi nổi.');
  await sup.fill('input[name=rec-0]', 'Phân công cụ thể người thực hiện nghị quyết');
  await sup.fill('input[name=rec-due-0]', localMinute(-30 * 24 * 60).slice(0, 10));
  const page1 = sup;
  await check('visit', sup);
  await page1.click('form button[type=submit]');
  await page1.waitForSelector('[data-visit-recorded]', { timeout: 20000 });
  out.visitGrade = await page1.getAttribute('[data-visit-recorded] [data-grade]', 'data-grade');
  out.visitShown = (await page1.textContent('[data-visit-recorded]')).trim();
  out.provincialAfter = await provincialMeetings();
  // The follow-up of its recommendation, from the meeting's page.
  await page1.goto(`${base}/app/meetings/${m1.id}`);
  await page1.waitForSelector('[data-recommendation]');
  await page1.fill('[data-recommendation] input', 'Đã phân công tại buổi sau');
  await page1.click('[data-recommendation] button:has-text("Đã làm")');
  await page1.waitForSelector('[data-rec-status=DONE]', { timeout: 20000 });
  out.recommendationDone = true;
  // The committee member who follows the cell went too, alone: recorded from the same form.
  await page1.goto(`${base}/app/meetings/${m1.id}/visit`);
  await page1.waitForSelector('select[name=team]');
  await page1.selectOption('select[name=team]', `member:${out.lone}`);
  await page1.waitForSelector('select[name=owner]');
  out.loneOwner = await page1.inputValue('select[name=owner]');
  for (const c of criteria) await page1.fill(`input[data-criterion="${c}"]`, '20');
  await page1.fill('textarea[name=observations]', 'Đồng chí cấp ủy viên theo dõi chi bộ dự sinh hoạt.');
  await page1.click('form button[type=submit]');
  await page1.waitForSelector('[data-visit-recorded]', { timeout: 20000 });
  out.loneGrade = await page1.getAttribute('[data-visit-recorded] [data-grade]', 'data-grade');
  out.errors = errors;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
