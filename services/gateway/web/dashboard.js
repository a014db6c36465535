// chibo dashboard: choose an organization and a period, read both reports
// from the gateway, draw them, drill down into children, export CSV.
// Vietnamese first; English with the EN button.
'use strict';

const I18N = {
  en: {
    title: 'Party cell meetings', org: 'Organization', periodKind: 'Period', year: 'Year', half: 'Half-year',
    quarter: 'Quarter', month: 'Month', yearLabel: 'Year', part: 'Part', show: 'Show', print: 'Print',
    needToken: 'Paste an access token to see the reports:', save: 'Save',
    signIn: 'Sign in', signOut: 'Sign out', username: 'User name', password: 'Password',
    orToken: 'Or use an access token',
    activityTitle: 'Supervision activity', csv: 'Download CSV', level: 'Level', cells: 'Cells attended',
    baseCells: 'Base cells', subCells: 'Subordinate cells', committeeMeetings: 'Base-committee meetings',
    thematic: 'Thematic meetings', most: 'Most by one', fewest: 'Fewest by one', byChild: 'By subordinate unit',
    unit: 'Unit', provinceCells: 'Province level (cells)', districtCells: 'District level (cells)',
    complianceTitle: 'Meeting compliance', regularByMonth: 'Regular meetings by month (held / expected)',
    thematicByQuarter: 'Thematic meetings by quarter', held: 'Meetings', cellsWithThematic: 'Cells with a thematic meeting',
    cellCount: 'Cells', regularHeld: 'Regular held / expected', thematicHeld: 'Thematic', attendance: 'Attendance',
    underMinimum: 'Under minimum length', overdue: 'Overdue, unrecorded',
    PROVINCE_LEVEL: 'Province', DISTRICT_LEVEL: 'District', BASE_LEVEL: 'Base committee',
    cardCells: 'Cells', cardRegular: 'Regular meetings held / expected', cardThematic: 'Thematic meetings',
    cardAttendance: 'Average attendance', cardHigh: 'Meetings at or above the attendance mark',
    cardOpinions: 'Opinions per meeting', cardLength: 'Average length (minutes)', cardUnder: 'Under minimum length',
    cardOverdue: 'Past meetings not recorded', cardStandard: 'Meetings meeting the standard', none: 'No visits in this period.',
    printed: 'Printed on',
    coverageTitle: 'Supervision coverage', share: 'Share of cells', remoteAttended: 'Remote cells attended',
    cellVisits: 'Visits', attendedAny: 'Attended (any level)', neverAttended: 'Never attended',
    duplicates: 'Two levels in one month', neverAttendedList: 'Cells not attended in the period',
    covCells: 'Cells', covRemote: 'Remote cells', covAttended: 'Cells attended (any level)', covNever: 'Cells never attended',
    covDuplicates: 'Cell-months visited by two levels',
    planVsDone: 'Approved plans and visits done, per team', teamCol: 'Team', plannedCol: 'Planned',
    plannedDoneCol: 'Planned and done', doneCol: 'Done (planned or not)',
    rollTitle: 'The roll', members: 'Members', official: 'Official', probationary: 'Probationary',
    joined: 'Joined', left: 'Left', asOf: 'as of', rollExempted: 'Exempted', rollAway: 'Temporarily away',
    rollSuspended: 'Suspended', rollMale: 'Men', rollFemale: 'Women', rollAdmitted: 'Admitted in the period',
    ageBands: 'Members by age',
    qualityTitle: 'Meeting quality', grade: 'Grade', selfGraded: 'Graded by the cell', supervisorGraded: 'Graded by supervisors',
    byCategory: 'By category of cell', category: 'Category', differShare: 'Grades differ',
    qSelf: 'Meetings the cell graded', qSupervisor: 'Visits graded', qCompared: 'Graded by both',
    qDiffer: 'Supervisor differs from the cell', qLower: 'Supervisor lower', qHigher: 'Supervisor higher',
    GOOD: 'Good', FAIR: 'Fair', AVERAGE: 'Average', POOR: 'Poor',
    RESIDENTIAL: 'Residential', COMMUNE_WARD: 'Commune / ward', AGENCY: 'Agency', PUBLIC_SERVICE: 'Public service',
    HEALTH: 'Health', SCHOOL: 'School', ENTERPRISE: 'Enterprise', ARMED_FORCES: 'Armed forces', POLICE: 'Police',
    OTHER: 'Other', ORG_UNIT_CATEGORY_UNSPECIFIED: 'Uncategorised',
  },
  vi: {
    PROVINCE_LEVEL: 'Cấp tỉnh', DISTRICT_LEVEL: 'Cấp huyện', BASE_LEVEL: 'Cấp cơ sở',
    cardCells: 'Số chi bộ', cardRegular: 'Sinh hoạt định kỳ đã họp / phải họp', cardThematic: 'Sinh hoạt chuyên đề',
    cardAttendance: 'Tỷ lệ đảng viên dự họp bình quân', cardHigh: 'Số buổi đạt tỷ lệ dự họp cao',
    cardOpinions: 'Ý kiến phát biểu mỗi buổi', cardLength: 'Thời lượng bình quân (phút)',
    cardUnder: 'Buổi dưới thời lượng tối thiểu', cardOverdue: 'Buổi quá hạn chưa ghi biên bản',
    cardStandard: 'Buổi sinh hoạt đạt chất lượng',
    none: 'Chưa có lượt dự sinh hoạt trong kỳ.',
    printed: 'In ngày',
    covCells: 'Số chi bộ', covRemote: 'Chi bộ vùng sâu, vùng xa', covAttended: 'Chi bộ được dự (mọi cấp)',
    covNever: 'Chi bộ chưa được dự', covDuplicates: 'Chi bộ bị hai cấp cùng dự trong tháng',
    planVsDone: 'Kế hoạch được duyệt và thực hiện, theo tổ', teamCol: 'Tổ', plannedCol: 'Theo kế hoạch',
    plannedDoneCol: 'Đã dự theo kế hoạch', doneCol: 'Đã dự (cả ngoài kế hoạch)',
    asOf: 'tính đến ngày', rollExempted: 'Miễn sinh hoạt', rollAway: 'Chuyển sinh hoạt tạm thời',
    rollSuspended: 'Đình chỉ sinh hoạt', rollMale: 'Nam', rollFemale: 'Nữ', rollAdmitted: 'Kết nạp trong kỳ',
    ageBands: 'Đảng viên theo độ tuổi', members: 'Đảng viên', official: 'Chính thức', probationary: 'Dự bị',
    joined: 'Kết nạp, chuyển đến', left: 'Chuyển đi, xóa tên, từ trần',
    qSelf: 'Buổi chi bộ tự đánh giá', qSupervisor: 'Lượt dự có chấm điểm', qCompared: 'Cả hai cùng đánh giá',
    qDiffer: 'Cấp trên đánh giá khác chi bộ', qLower: 'Cấp trên xếp thấp hơn', qHigher: 'Cấp trên xếp cao hơn',
    GOOD: 'Tốt', FAIR: 'Khá', AVERAGE: 'Trung bình', POOR: 'Kém',
    RESIDENTIAL: 'Khu dân cư', COMMUNE_WARD: 'Xã, phường', AGENCY: 'Cơ quan', PUBLIC_SERVICE: 'Đơn vị sự nghiệp',
    HEALTH: 'Y tế', SCHOOL: 'Trường học', ENTERPRISE: 'Doanh nghiệp', ARMED_FORCES: 'Quân sự', POLICE: 'Công an',
    OTHER: 'Khác', ORG_UNIT_CATEGORY_UNSPECIFIED: 'Chưa phân loại',
  },
};

const state = {
  lang: localStorage.getItem('chibo.lang') || 'vi',
  token: '',
  path: [],  // [{id, name}] from the token's scope down to the chosen unit
};
const $ = (id) => document.getElementById(id);
const t = (key) => (I18N[state.lang] && I18N[state.lang][key]) || (I18N.vi[key]) || key;

function applyLanguage() {
  document.documentElement.lang = state.lang;
  $('lang').textContent = state.lang === 'vi' ? 'EN' : 'VI';
  document.querySelectorAll('[data-i18n]').forEach((el) => {
    if (!el.dataset.vi) el.dataset.vi = el.textContent;
    el.textContent = state.lang === 'vi' ? el.dataset.vi : (I18N.en[el.dataset.i18n] || el.dataset.vi);
  });
}

// A pasted token goes in the Authorization header; otherwise the session
// cookie (HttpOnly, set by signing in) rides along by itself.
async function api(path) {
  const headers = state.token ? { Authorization: `Bearer ${state.token}` } : {};
  const res = await fetch(path, { headers, credentials: 'same-origin' });
  if (!res.ok) {
    let message = `${res.status}`;
    try { message = (await res.json()).message; } catch (e) { /* not JSON */ }
    const error = new Error(message);
    error.status = res.status;
    throw error;
  }
  return res;
}
const json = async (path) => (await api(path)).json();

function showError(e) {
  $('error').textContent = e ? e.message : '';
  $('error').hidden = !e;
  if (e && e.status === 401) { $('login').hidden = false; $('reports').hidden = true; }
}

function period() {
  const year = $('year').value;
  const part = $('part').value;
  switch ($('period-kind').value) {
    case 'half': return `${year}-H${part}`;
    case 'quarter': return `${year}-Q${part}`;
    case 'month': return `${year}-${String(part).padStart(2, '0')}`;
    default: return year;
  }
}

function fillParts() {
  const kind = $('period-kind').value;
  const n = { year: 0, half: 2, quarter: 4, month: 12 }[kind];
  $('part-label').hidden = n === 0;
  $('part').innerHTML = '';
  for (let i = 1; i <= n; ++i) $('part').add(new Option(String(i), String(i)));
}

const current = () => state.path[state.path.length - 1];

// A period's name as the reports word it: "6 tháng đầu năm 2026" / "the
// first half of 2026" (the supervision service's Period::Vietnamese and
// English).
function periodLabel(name) {
  const vi = state.lang === 'vi';
  const m = /^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$/.exec(name || '');
  if (!m) return name || '';
  const [, year, part] = m;
  if (!part) return vi ? `năm ${year}` : year;
  const n = Number(part.replace(/^[HQ]/, ''));
  if (part[0] === 'H') {
    return vi ? `6 tháng ${n === 1 ? 'đầu' : 'cuối'} năm ${year}` : `the ${n === 1 ? 'first' : 'second'} half of ${year}`;
  }
  if (part[0] === 'Q') {
    return vi ? `quý ${['I', 'II', 'III', 'IV'][n - 1]} năm ${year}`
      : `the ${['first', 'second', 'third', 'fourth'][n - 1]} quarter of ${year}`;
  }
  return vi ? `tháng ${n}/${year}` : `${MONTHS[n - 1]} ${year}`;
}
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

const day = (iso) => (iso ? iso.split('-').reverse().join('/') : '');  // 2026-06-30 → 30/06/2026

// What a printed page carries in its margins (dashboard.css reads these
// attributes into @page margin boxes; #print-header is the same for
// browsers without them): the unit, the period with its dates, the day it
// was printed; the page numbers come from the CSS.
function setPrintHead(report) {
  const root = document.documentElement;
  if (report) {
    root.dataset.printUnit = report.name || '';
    const span = report.from && report.to ? ` (${day(report.from)} – ${day(report.to)})` : '';
    const label = periodLabel(report.period);
    root.dataset.printPeriod = `${label.charAt(0).toUpperCase()}${label.slice(1)}${span}`;
  }
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  root.dataset.printDate = `${t('printed')} ${state.lang === 'vi'
    ? `${pad(now.getDate())}/${pad(now.getMonth() + 1)}/${now.getFullYear()}`
    : `${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`}`;
  $('print-unit').textContent = root.dataset.printUnit || '';
  $('print-period').textContent = root.dataset.printPeriod || '';
  $('print-date').textContent = root.dataset.printDate;
}
// Numbers in the language's style: 1.234 and 90,1% in Vietnamese, 1,234 and 90.1% in English.
const locale = () => (state.lang === 'vi' ? 'vi-VN' : 'en-GB');
const num = (x, digits = 0) =>
  new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x ?? 0);
const pct = (x) => new Intl.NumberFormat(locale(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
  .format(x ?? 0);
const shown = (v) => (typeof v === 'number' ? num(v) : v);
const cell = (text, figure) => `<td${figure ? ` data-figure="${figure}"` : ''}>${shown(text)}</td>`;
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function renderCrumbs() {
  $('crumbs').innerHTML = state.path
    .map((p, i) => (i === state.path.length - 1 ? esc(p.name) : `<a data-depth="${i}">${esc(p.name)}</a>`))
    .join(' › ');
  $('crumbs').querySelectorAll('a').forEach((a) => a.addEventListener('click', () => {
    state.path = state.path.slice(0, Number(a.dataset.depth) + 1);
    refresh();
  }));
}

async function fillOrgs() {
  const unit = current();
  const children = (await json(`/api/v1/org-units/${unit.id}/children?page_size=1000`)).orgUnits || [];
  $('org').innerHTML = '';
  $('org').add(new Option(unit.name, unit.id));
  for (const c of children) $('org').add(new Option(`— ${c.name}`, c.id));
  $('org').value = unit.id;
}

function drillLink(id, name) {
  return `<a data-drill="${esc(id)}" data-name="${esc(name)}">${esc(name)}</a>`;
}

function bindDrill(root) {
  root.querySelectorAll('a[data-drill]').forEach((a) => a.addEventListener('click', () => {
    state.path.push({ id: a.dataset.drill, name: a.dataset.name });
    refresh();
  }));
}

function barChart(rows, { max, label, value, secondary }) {
  const width = 640, bar = 22, gap = 8, left = 150, height = rows.length * (bar + gap) + 10;
  const scale = (x) => (max > 0 ? ((width - left - 60) * x) / max : 0);
  const parts = rows.map((r, i) => {
    const y = i * (bar + gap) + 5;
    const back = secondary ? `<rect x="${left}" y="${y}" width="${scale(secondary(r))}" height="${bar}" fill="#f1d4d4"/>` : '';
    return `<text x="${left - 6}" y="${y + 16}" text-anchor="end" font-size="12">${esc(label(r))}</text>${back}` +
      `<rect x="${left}" y="${y}" width="${scale(value(r))}" height="${bar}" fill="#a50e0e"/>` +
      `<text x="${left + scale(Math.max(value(r), secondary ? secondary(r) : 0)) + 6}" y="${y + 16}" font-size="12">` +
      `${value(r)}${secondary ? ` / ${secondary(r)}` : ''}</text>`;
  });
  // Read aloud as one sentence: every bar's label and value.
  const summary = rows.map((r) => `${label(r)}: ${value(r)}${secondary ? ` / ${secondary(r)}` : ''}`).join('; ');
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(summary)}">` +
    `<title>${esc(summary)}</title>${parts.join('')}</svg>`;
}

// Every group with the most (or fewest) cells: ties are all named.
const groupNames = (g) => esc(((g.groupNames && g.groupNames.length) ? g.groupNames : [g.groupName]).join(', '));

function renderActivity(a) {
  // The same paragraph in English, made by the service from the same figures.
  $('narrative').textContent = state.lang === 'en' && a.narrativeEn ? a.narrativeEn : a.narrative;
  const levels = a.levels || [];
  $('activity-levels').innerHTML = levels.length === 0
    ? `<tr><td colspan="8">${t('none')}</td></tr>`
    : levels.map((l) => {
      const f = (k) => `activity.${l.level}.${k}`;
      return `<tr>${cell(t(l.level))}${cell(l.cellsAttended, f('cellsAttended'))}` +
        `${cell(l.baseCellsAttended, f('baseCellsAttended'))}${cell(l.subordinateCellsAttended, f('subordinateCellsAttended'))}` +
        `${cell(l.committeeMeetingsAttended, f('committeeMeetingsAttended'))}${cell(l.thematicMeetingsAttended, f('thematicMeetingsAttended'))}` +
        `${cell(`${num(l.mostCellsByOne.cells)} (${groupNames(l.mostCellsByOne)})`, f('most'))}` +
        `${cell(`${num(l.fewestCellsByOne.cells)} (${groupNames(l.fewestCellsByOne)})`, f('fewest'))}</tr>`;
    }).join('');
  $('activity-chart').innerHTML = levels.length === 0 ? '' : barChart(levels, {
    max: Math.max(...levels.map((l) => l.cellsAttended)), label: (l) => t(l.level), value: (l) => l.cellsAttended,
  });
  const byLevel = (row, level) => (row.levels || []).find((l) => l.level === level) || {};
  $('activity-children').innerHTML = (a.children || []).map((c) => {
    const p = byLevel(c, 'PROVINCE_LEVEL'), d = byLevel(c, 'DISTRICT_LEVEL');
    const sum = (k) => (c.levels || []).reduce((s, l) => s + (l[k] || 0), 0);
    return `<tr>${cell(drillLink(c.orgUnitId, c.name))}${cell(p.cellsAttended || 0, `activity.child.${c.orgUnitId}.province`)}` +
      `${cell(d.cellsAttended || 0, `activity.child.${c.orgUnitId}.district`)}${cell(sum('committeeMeetingsAttended'))}` +
      `${cell(sum('thematicMeetingsAttended'))}</tr>`;
  }).join('');
  bindDrill($('activity-children'));
}

function renderCompliance(c) {
  const f = c.totals;
  const cards = [
    ['cardCells', f.cells, 'cells'],
    ['cardRegular', `${num(f.regularHeld)} / ${num(f.regularExpected)}`, 'regular'],
    ['cardThematic', f.thematicHeld, 'thematicHeld'],
    ['cardAttendance', pct(f.attendanceRate), 'attendanceRate'],
    ['cardHigh', pct(f.highAttendanceShare), 'highAttendanceShare'],
    ['cardOpinions', num(f.opinionsPerMeeting, 2), 'opinionsPerMeeting'],
    ['cardLength', num(f.averageMinutes), 'averageMinutes'],
    ['cardUnder', f.meetingsUnderMinimum, 'meetingsUnderMinimum'],
    ['cardOverdue', f.unrecordedPastMeetings, 'unrecordedPastMeetings'],
    ['cardStandard', `${num(f.meetingsMeetingStandard || 0)} (${pct(f.standardShare || 0)})`, 'standard'],
  ];
  $('compliance-cards').innerHTML = cards.map(([label, value, key]) =>
    `<div class="card"><div class="value" data-figure="compliance.${key}">${shown(value)}</div><div class="label">${t(label)}</div></div>`).join('');
  const months = c.months || [];
  $('months-chart').innerHTML = barChart(months, {
    max: Math.max(1, ...months.map((m) => m.expected)), label: (m) => m.month, value: (m) => m.held, secondary: (m) => m.expected,
  });
  $('quarters').innerHTML = (c.quarters || []).map((q) =>
    `<tr>${cell(q.quarter)}${cell(q.held, `compliance.quarter.${q.quarter}.held`)}${cell(`${num(q.cellsWithThematic)} / ${num(q.cells)}`)}</tr>`).join('');
  $('compliance-children').innerHTML = (c.children || []).map((row) => {
    const g = row.figures;
    return `<tr>${cell(drillLink(row.orgUnitId, row.name))}${cell(g.cells)}` +
      `${cell(`${num(g.regularHeld)} / ${num(g.regularExpected)}`, `compliance.child.${row.orgUnitId}.regular`)}${cell(g.thematicHeld)}` +
      `${cell(pct(g.attendanceRate))}${cell(g.meetingsUnderMinimum)}${cell(g.unrecordedPastMeetings)}</tr>`;
  }).join('');
  bindDrill($('compliance-children'));
}

const cards = (items, prefix) => items.map(([label, value, key]) =>
  `<div class="card"><div class="value" data-figure="${prefix}.${key}">${shown(value)}</div><div class="label">${t(label)}</div></div>`).join('');

function renderCoverage(c) {
  const f = c.figures || {};
  $('coverage-cards').innerHTML = cards([
    ['covCells', f.cells || 0, 'cells'], ['covRemote', f.remoteCells || 0, 'remoteCells'],
    ['covAttended', f.cellsAttended || 0, 'cellsAttended'], ['covNever', f.cellsNeverAttended || 0, 'cellsNeverAttended'],
    ['covDuplicates', f.duplicateCellMonths || 0, 'duplicateCellMonths'],
  ], 'coverage');
  const levels = f.levels || [];
  $('coverage-levels').innerHTML = levels.map((l) => `<tr>${cell(t(l.level))}` +
    `${cell(l.cellsAttended || 0, `coverage.${l.level}.cellsAttended`)}${cell(pct(l.share || 0), `coverage.${l.level}.share`)}` +
    `${cell(`${num(l.remoteCellsAttended || 0)} (${pct(l.remoteShare || 0)})`, `coverage.${l.level}.remote`)}` +
    `${cell(l.cellVisits || 0)}</tr>`).join('');
  $('coverage-chart').innerHTML = barChart(levels, {
    max: Math.max(1, f.cells || 0), label: (l) => t(l.level), value: (l) => l.cellsAttended || 0, secondary: () => f.cells || 0,
  });
  $('coverage-children').innerHTML = (c.children || []).map((row) => {
    const g = row.figures || {};
    return `<tr>${cell(drillLink(row.orgUnitId, row.name))}${cell(g.cells || 0)}` +
      `${cell(g.cellsAttended || 0, `coverage.child.${row.orgUnitId}.attended`)}${cell(g.cellsNeverAttended || 0)}` +
      `${cell(g.duplicateCellMonths || 0)}</tr>`;
  }).join('');
  bindDrill($('coverage-children'));
  $('coverage-teams').innerHTML = (c.teams || []).map((x) => `<tr>${cell(esc(x.teamName))}${cell(t(x.level))}` +
    `${cell(x.planned || 0, `coverage.team.${x.teamId}.planned`)}${cell(x.plannedDone || 0, `coverage.team.${x.teamId}.plannedDone`)}` +
    `${cell(x.done || 0, `coverage.team.${x.teamId}.done`)}</tr>`).join('');
  $('coverage-never').innerHTML = (c.neverAttended || []).map((x) =>
    `<li data-cell="${esc(x.id)}">${esc(x.name)}${x.parentName ? ` — ${esc(x.parentName)}` : ''}</li>`).join('');
}

const GRADES = [['GOOD', 'good'], ['FAIR', 'fair'], ['AVERAGE', 'average'], ['POOR', 'poor']];
// "12 (Tốt 5, Khá 4, …)": graded in all, then by grade.
const gradeSplit = (g = {}) => `${num(g.graded || 0)}` +
  (g.graded ? ` (${GRADES.map(([k, f]) => `${t(k)} ${num(g[f] || 0)}`).join(', ')})` : '');

function renderQuality(q) {
  const f = q.figures || {};
  $('quality-cards').innerHTML = cards([
    ['qSelf', (f.selfGraded || {}).graded || 0, 'selfGraded'], ['qSupervisor', (f.supervisorGraded || {}).graded || 0, 'supervisorGraded'],
    ['qCompared', f.compared || 0, 'compared'], ['qDiffer', pct(f.differShare || 0), 'differShare'],
    ['qLower', f.supervisorLower || 0, 'supervisorLower'], ['qHigher', f.supervisorHigher || 0, 'supervisorHigher'],
  ], 'quality');
  const rows = GRADES.map(([k, field]) => ({ k, self: (f.selfGraded || {})[field] || 0, sup: (f.supervisorGraded || {})[field] || 0 }));
  $('quality-grades').innerHTML = rows.map((r) =>
    `<tr>${cell(t(r.k))}${cell(r.self, `quality.self.${r.k}`)}${cell(r.sup, `quality.supervisor.${r.k}`)}</tr>`).join('');
  $('quality-chart').innerHTML = barChart(rows, {
    max: Math.max(1, ...rows.map((r) => Math.max(r.self, r.sup))), label: (r) => t(r.k), value: (r) => r.sup, secondary: (r) => r.self,
  });
  $('quality-categories').innerHTML = (q.categories || []).map((row) => {
    const g = row.figures || {};
    return `<tr>${cell(t(row.category || 'ORG_UNIT_CATEGORY_UNSPECIFIED'))}${cell(gradeSplit(g.selfGraded))}` +
      `${cell(gradeSplit(g.supervisorGraded))}${cell(pct(g.differShare || 0))}</tr>`;
  }).join('');
  $('quality-children').innerHTML = (q.children || []).map((row) => {
    const g = row.figures || {};
    return `<tr>${cell(drillLink(row.orgUnitId, row.name))}${cell(gradeSplit(g.selfGraded), `quality.child.${row.orgUnitId}.self`)}` +
      `${cell(gradeSplit(g.supervisorGraded))}${cell(pct(g.differShare || 0))}</tr>`;
  }).join('');
  bindDrill($('quality-children'));
}

function renderRoll(r) {
  const f = r.figures || {};
  $('roll-as-of').textContent = `(${t('asOf')} ${new Intl.DateTimeFormat(locale()).format(new Date(`${r.asOf}T00:00:00`))})`;
  $('roll-cards').innerHTML = cards([
    ['members', f.members || 0, 'members'], ['official', f.official || 0, 'official'],
    ['probationary', f.probationary || 0, 'probationary'], ['rollExempted', f.exempted || 0, 'exempted'],
    ['rollAway', f.temporarilyAway || 0, 'temporarilyAway'], ['rollSuspended', f.suspended || 0, 'suspended'],
    ['rollMale', f.male || 0, 'male'], ['rollFemale', f.female || 0, 'female'],
    ['rollAdmitted', f.admitted || 0, 'admitted'], ['joined', f.joined || 0, 'joined'], ['left', f.left || 0, 'left'],
  ], 'roll');
  const bands = f.ageBands || [];
  $('roll-chart').innerHTML = `<h3>${t('ageBands')}</h3>` + barChart(bands, {
    max: Math.max(1, ...bands.map((b) => b.members || 0)), label: (b) => b.label, value: (b) => b.members || 0,
  });
  $('roll-children').innerHTML = (r.children || []).map((row) => {
    const g = row.figures || {};
    return `<tr>${cell(drillLink(row.orgUnitId, row.name))}${cell(g.members || 0, `roll.child.${row.orgUnitId}.members`)}` +
      `${cell(g.official || 0)}${cell(g.probationary || 0)}${cell(g.joined || 0)}${cell(g.left || 0)}</tr>`;
  }).join('');
  bindDrill($('roll-children'));
}

// The view's own URL (bookmark, share, back button): the unit and period.
function rememberView() {
  const params = new URLSearchParams({ org: current().id, year: $('year').value, kind: $('period-kind').value });
  if ($('period-kind').value !== 'year') params.set('part', $('part').value);
  const search = `?${params}`;
  if (search !== location.search) history.pushState(null, '', `${location.pathname}${search}`);
}
window.addEventListener('popstate', () => location.reload());

async function refresh() {
  showError(null);
  try {
    rememberView();
    renderCrumbs();
    // The unit picker's children and both reports at once: none waits on another.
    const q = `org_unit_id=${encodeURIComponent(current().id)}&period=${encodeURIComponent(period())}`;
    const [, a, c, cov, roll, quality] = await Promise.all([fillOrgs(), json(`/api/v1/reports/activity?${q}`),
      json(`/api/v1/reports/compliance?${q}`), json(`/api/v1/reports/coverage?${q}`),
      json(`/api/v1/reports/roll?${q}`), json(`/api/v1/reports/quality?${q}`)]);
    renderActivity(a);
    renderCompliance(c);
    renderCoverage(cov);
    renderQuality(quality);
    renderRoll(roll);
    setPrintHead(a);
    $('reports').hidden = false;
    document.body.dataset.loaded = `${current().id}|${period()}`;
  } catch (e) {
    showError(e);
  }
}

async function downloadCsv(kind) {
  try {
    const q = `org_unit_id=${encodeURIComponent(current().id)}&period=${encodeURIComponent(period())}`;
    const blob = await (await api(`/api/v1/reports/${kind}.csv?${q}`)).blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${kind}-${current().id}-${period()}.csv`;
    a.click();
  } catch (e) {
    showError(e);
  }
}

async function start() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('token')) {
    localStorage.setItem('chibo.token', hash.get('token'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  state.token = localStorage.getItem('chibo.token') || '';
  const params = new URLSearchParams(location.search);
  $('year').value = params.get('year') || String(new Date().getFullYear());
  $('period-kind').value = params.get('kind') || 'year';
  fillParts();
  if (params.get('part')) $('part').value = params.get('part');
  applyLanguage();
  try {
    let me;
    try {
      me = await json('/api/v1/whoami');
    } catch (e) {
      if (e.status !== 401) throw e;
      $('login').hidden = false;  // no token and no session: sign in
      return;
    }
    $('login').hidden = true;
    $('sign-out').hidden = state.token !== '';
    const root = await json(`/api/v1/org-units/${me.scopeOrgId}`);
    state.path = [{ id: root.id, name: root.name }];
    const org = params.get('org');
    if (org && org !== root.id) {
      const unit = await json(`/api/v1/org-units/${org}`);
      state.path.push({ id: unit.id, name: unit.name });
    }
    await refresh();
  } catch (e) {
    showError(e);
  }
}

$('show').addEventListener('click', refresh);
$('print').addEventListener('click', () => window.print());
window.addEventListener('beforeprint', () => setPrintHead(null));  // the day it is printed
$('period-kind').addEventListener('change', fillParts);
$('org').addEventListener('change', () => {
  const id = $('org').value;
  if (id !== current().id) {
    state.path.push({ id, name: $('org').selectedOptions[0].text.replace(/^— /, '') });
    refresh();
  }
});
$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('chibo.lang', state.lang);
  applyLanguage();
  refresh();
});
function cookie(name) {
  const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return found ? found.slice(name.length + 1) : '';
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/api/v1/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: $('username').value.trim(), password: $('password').value }),
  });
  $('password').value = '';
  if (!res.ok) {
    let message = `${res.status}`;
    try { message = (await res.json()).message; } catch (err) { /* not JSON */ }
    $('login-error').textContent = message;
    $('login-error').hidden = false;
    return;
  }
  $('login-error').hidden = true;
  localStorage.removeItem('chibo.token');
  state.token = '';
  start();
});
$('sign-out').addEventListener('click', async () => {
  await fetch('/api/v1/session', {
    method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': cookie('chibo_csrf') },
  });
  location.reload();
});
$('save-token').addEventListener('click', () => {
  localStorage.setItem('chibo.token', $('token').value.trim());
  $('login').hidden = true;
  start();
});
document.querySelectorAll('a.csv').forEach((a) => a.addEventListener('click', (e) => {
  e.preventDefault();
  downloadCsv(a.dataset.report);
}));
start();
