// The organization department and an admin in the web app (/app/), in
// headless Chromium on a 390×844 phone:
//   1. the admin signs in, creates an account for a member of the roll
//      (found by name typed without diacritics) as secretary of one cell;
//      that person sees and writes only that cell (403 elsewhere, on the
//      page and on the API);
//   2. a viewer sees a member's personal data masked, the admin does not;
//   3. the action lists of a base committee, read on the page; then the
//      missing work is done (the unrecorded meetings recorded, one cell's
//      regular meeting held, the waiting thematic plan approved) and the
//      lists read again.
// Prints what it saw as JSON; dashboard_test.cc checks it against the RPCs.
//   node app_admin.mjs URL ADMIN_TOKEN ADMIN_PASSWORD SHOT_DIR
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, adminToken, adminPassword, shotDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function admin(path, { method = 'GET', body } = {}) {
  const res = await fetch(base + path, {
    method, headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const localMinute = (minutesAgo) => new Date(Date.now() - minutesAgo * 60000 + 7 * 3600000).toISOString().slice(0, 16);
const plain = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
const today = localMinute(0).slice(0, 10);

// Records a meeting with everyone the roster expects present.
async function recordAllPresent(meeting) {
  const roster = await admin(`/api/v1/org-units/${meeting.cellId}/roster?date=${meeting.startsAt.slice(0, 10)}`);
  await admin(`/api/v1/meetings/${meeting.id}:record`, { method: 'POST', body: {
    etag: meeting.etag, actualStart: meeting.startsAt, actualEnd: meeting.endsAt,
    attendance: roster.entries.filter((e) => e.presence === 'EXPECTED').map((e) => ({ memberId: e.memberId, mark: 'PRESENT' })),
    speakers: 2, opinions: 3, resolution: 'Ghi bù (e2e)', requestId: `e2e-rec-${meeting.id}` } });
}

const out = { axe: {}, wide: {}, shots: [] };
const cells = (await admin('/api/v1/org-units/tinh/children?subtree=true&kind=SUBORDINATE_CELL&page_size=50')).orgUnits;
const [cell, other] = cells;
out.cell = cell.id;
out.other = other.id;
const member = (await admin(`/api/v1/org-units/${cell.id}/members?page_size=5`)).members[0];
out.member = member.id;
// The demo keeps no phone numbers: the admin records one (UpdateMember).
out.memberPhone = (await admin(`/api/v1/members/${member.id}`, { method: 'PATCH', body: {
  member: { phone: '0912345678' }, updateMask: 'phone', requestId: `e2e-phone-${Date.now()}` } })).phone;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' };
async function signIn(context, username, password) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/app/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 20000 });
  await page.waitForSelector('[data-figure=held]', { timeout: 20000 });
  return page;
}
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
  // 1. The admin gives a member of the roll access to her cell.
  const adminPage = await signIn(await browser.newContext(phone), 'admin', adminPassword);
  await adminPage.goto(`${base}/app/accounts`);
  await adminPage.fill('input[name=username]', 'bithu.moi');
  await adminPage.selectOption('select[name=role]', 'secretary');
  await adminPage.fill('input[name=scope_org_id]', cell.id);
  await adminPage.fill('input[name=member_query]', plain(member.fullName));
  await adminPage.click(`button[data-pick="${member.id}"]`, { timeout: 20000 });
  await adminPage.fill('input[name=password]', 'mật-khẩu-mới-2026');
  await check(adminPage, 'accounts');
  await adminPage.click('form[aria-labelledby=new-account-h] button[type=submit]');
  await adminPage.waitForSelector('[data-created]', { timeout: 20000 });
  await adminPage.waitForSelector('li[data-account="bithu.moi"]', { timeout: 20000 });
  const accounts = await admin(`/api/v1/org-units/${cell.id}/accounts`);
  out.account = accounts.accounts.find((a) => a.username === 'bithu.moi');

  const secretary = await signIn(await browser.newContext(phone), 'bithu.moi', 'mật-khẩu-mới-2026');
  out.secretaryHeading = (await secretary.textContent('h1')).trim();
  await secretary.goto(`${base}/app/units/${other.id}`);
  out.otherCellShown = (await secretary.textContent('[role=alert]', { timeout: 10000 })).trim();
  const otherMeeting = (await admin(`/api/v1/meetings?org_unit_id=${other.id}&from=${today.slice(0, 4)}-01-01&to=${today}&page_size=1`)).meetings[0];
  out.otherCellApi = await secretary.evaluate(async ({ other, meeting }) => {
    const csrf = document.cookie.match(/chibo_csrf=([^;]*)/)[1];
    const read = await fetch(`/api/v1/org-units/${other}/roster?date=${meeting.startsAt.slice(0, 10)}`);
    const write = await fetch(`/api/v1/meetings/${meeting.id}:postpone`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ reason: 'thử', requestId: 'e2e-other' }) });
    return { read: read.status, write: write.status };
  }, { other: other.id, meeting: otherMeeting });
  out.ownRoll = await secretary.evaluate(async (cell) => (await fetch(`/api/v1/org-units/${cell}/roster?date=${new Date().toISOString().slice(0, 10)}`)).status, cell.id);

  // 2. Personal data: masked for a viewer, shown to the admin.
  await admin('/api/v1/accounts', { method: 'POST', body: {
    account: { username: 'xem.e2e', roles: ['viewer'], scopeOrgId: 'tinh' }, password: 'mật-khẩu-xem-2026', requestId: 'e2e-viewer' } });
  const viewer = await signIn(await browser.newContext(phone), 'xem.e2e', 'mật-khẩu-xem-2026');
  await viewer.goto(`${base}/app/members/${member.id}`);
  await viewer.waitForSelector('[data-masked]', { timeout: 20000 });
  out.viewerPhone = (await viewer.textContent('[data-phone]')).trim();
  await check(viewer, 'member');
  await adminPage.goto(`${base}/app/members/${member.id}`);
  await adminPage.waitForSelector('[data-phone]');
  out.adminPhone = (await adminPage.textContent('[data-phone]')).trim();
  out.adminMasked = await adminPage.locator('[data-masked]').count();
  await adminPage.goto(`${base}/app/units/${cell.id}/members?q=${encodeURIComponent(plain(member.fullName))}`);
  await adminPage.waitForSelector(`tr[data-member="${member.id}"]`, { timeout: 20000 });
  out.rollFound = true;
  await check(adminPage, 'roll');

  // 3. The action lists of the cell's base committee.
  const committee = cell.parentId;
  out.committee = committee;
  const readLists = async () => {
    await adminPage.goto(`${base}/app/units/${committee}/actions`);
    await adminPage.waitForSelector('[data-list=unrecorded]', { timeout: 60000 });
    return adminPage.$$eval('[data-list]', (sections) => Object.fromEntries(sections.map((s) =>
      [s.dataset.list, Array.from(s.querySelectorAll('tr[data-row]'), (r) => r.dataset.row)])));
  };
  // A cell of the committee submits next year's thematic plan: it waits for review.
  const planCell = (await admin(`/api/v1/org-units/${committee}/children?page_size=5`)).orgUnits[0].id;
  const nextYear = Number(today.slice(0, 4)) + 1;
  out.planCell = planCell;
  const put = await admin(`/api/v1/org-units/${planCell}/thematic-plans/${nextYear}`, { method: 'PUT', body: {
    plan: { topics: [1, 2, 3, 4].map((q) => ({ quarter: q, title: `Chuyên đề quý ${q}` })) }, requestId: `e2e-plan-${Date.now()}` } });
  await admin(`/api/v1/org-units/${planCell}/thematic-plans/${nextYear}:submit`, { method: 'POST', body: { etag: put.etag, requestId: `e2e-submit-${Date.now()}` } });
  out.before = await readLists();
  await check(adminPage, 'actions');
  // The missing work done: every unrecorded meeting recorded, and one cell
  // without a regular meeting this month holds one (earlier today).
  for (const id of out.before.unrecorded) await recordAllPresent(await admin(`/api/v1/meetings/${id}`));
  const cellToMeet = out.before['no-meeting'][0];
  out.cellToMeet = cellToMeet;
  if (cellToMeet) {
    const m = await admin('/api/v1/meetings', { method: 'POST', body: { meeting: { cellId: cellToMeet, kind: 'REGULAR',
      startsAt: localMinute(150), endsAt: localMinute(60), title: 'Sinh hoạt định kỳ (e2e)' }, requestId: `e2e-meet-${Date.now()}` } });
    await recordAllPresent(m);
  }
  const submitted = await admin(`/api/v1/org-units/${planCell}/thematic-plans/${nextYear}`);
  await admin(`/api/v1/org-units/${planCell}/thematic-plans/${nextYear}:review`, { method: 'POST', body: {
    etag: submitted.etag, approve: true, requestId: `e2e-review-${Date.now()}` } });
  out.after = await readLists();
  out.errors = errors;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
