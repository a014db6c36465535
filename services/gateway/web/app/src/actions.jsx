// The organization department's action lists (danh sách việc cần làm) for a
// unit's subtree, each a table with links and a CSV, read fresh from the
// list RPCs on every visit:
//   - cells with no regular meeting held this month (so far);
//   - past meetings whose minutes are not recorded after the rulebook's
//     minutes_record_days;
//   - cells not visited this year, by each supervising level;
//   - recommendations past their due date and not done;
//   - thematic plans of this year and the next submitted and waiting for
//     the superior committee's review.
import { api, query } from './api.js';
import { lang, num, t, when } from './i18n.js';
import { Problem, useApi } from './shared.jsx';
import { today } from './unit.jsx';
import { useEffect, useState } from 'preact/hooks';

const CELL_KINDS = new Set(['BASE_CELL', 'SUBORDINATE_CELL']);
const HELD = new Set(['HELD', 'MINUTES_APPROVED']);
const REGULAR = new Set(['REGULAR', 'REGULAR_AND_THEMATIC']);
const LEVELS = ['PROVINCE_LEVEL', 'DISTRICT_LEVEL', 'BASE_LEVEL'];

// Every page of a List RPC.
async function all(path, params, key) {
  const out = [];
  let token = '';
  do {
    const page = await api(`${path}?${query({ ...params, page_size: 1000, page_token: token })}`);
    out.push(...(page[key] || []));
    token = page.nextPageToken || '';
  } while (token);
  return out;
}

const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

async function loadLists(unitId) {
  const day = today();
  const monthStart = `${day.slice(0, 8)}01`;
  const yearStart = `${day.slice(0, 4)}-01-01`;
  const unit = await api(`/api/v1/org-units/${encodeURIComponent(unitId)}`);
  const province = (unit.ancestorIds || [])[0] || unit.id;
  const [below, rules] = await Promise.all([
    all(`/api/v1/org-units/${encodeURIComponent(unitId)}/children`, { subtree: 'true' }, 'orgUnits'),
    api(`/api/v1/provinces/${encodeURIComponent(province)}/rulebook?${query({ on_date: day })}`),
  ]);
  const cells = [unit, ...below].filter((u) => CELL_KINDS.has(u.kind) && u.openedOn <= day && (!u.closedOn || u.closedOn > day));
  const names = Object.fromEntries([unit, ...below].map((u) => [u.id, u.name]));
  const recordDays = (rules.rules && rules.rules.minutesRecordDays) || 3;
  const recordedBy = addDays(day, -recordDays);
  const year = Number(day.slice(0, 4));
  const plansOf = (y) => api(`/api/v1/org-units/${encodeURIComponent(unitId)}/thematic-plans?${query({ year: y, status: 'SUBMITTED' })}`)
    .then((r) => r.plans || []);
  const [month, planned, visits, plansNow, plansNext, atRisk] = await Promise.all([
    all('/api/v1/meetings', { org_unit_id: unitId, subtree: 'true', from: monthStart, to: day }, 'meetings'),
    all('/api/v1/meetings', { org_unit_id: unitId, subtree: 'true', from: yearStart, to: recordedBy, status: 'PLANNED' }, 'meetings'),
    all('/api/v1/visits', { org_unit_id: unitId, from: `${Number(day.slice(0, 4)) - 1}-01-01`, to: day }, 'visits'),
    plansOf(year), plansOf(year + 1),
    api(`/api/v1/org-units/${encodeURIComponent(unitId)}/members-at-risk?${query({ year })}`).then((r) => r.members || []),
  ]);
  const metThisMonth = new Set(month.filter((m) => HELD.has(m.status) && REGULAR.has(m.kind)).map((m) => m.cellId));
  const visitedThisYear = {};
  for (const level of LEVELS) visitedThisYear[level] = new Set();
  for (const v of visits) if (v.date >= yearStart && visitedThisYear[v.level]) visitedThisYear[v.level].add(v.unitId);
  const levels = LEVELS.filter((l) => visits.some((v) => v.level === l));
  const overdueRecs = [];
  for (const v of visits) {
    for (const r of v.recommendations || []) {
      if (r.status === 'OPEN' && r.dueOn && r.dueOn < day) overdueRecs.push({ visit: v, rec: r });
    }
  }
  return {
    day, recordDays, names,
    noMeeting: cells.filter((c) => !metThisMonth.has(c.id)),
    unrecorded: planned.filter((m) => m.startsAt.slice(0, 10) <= recordedBy),
    notVisited: levels.map((level) => ({ level, cells: cells.filter((c) => !visitedThisYear[level].has(c.id)) })),
    overdueRecs,
    plans: [...plansNow, ...plansNext],
    atRisk,
  };
}

// RFC 4180 with a BOM (Excel reads UTF-8), a first line naming the list and
// the date, and cells that a spreadsheet would run as a formula neutralised.
function csv(title, header, rows) {
  const cell = (v) => {
    let s = String(v ?? '');
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [[title], header, ...rows].map((r) => r.map(cell).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

function List({ id, title, header, rows, file }) {
  const download = () => {
    const blob = new Blob([csv(title, header.map((h) => h.label), rows.map((r) => header.map((h) => h.text(r))))],
      { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${file}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  return (
    <section class="card" aria-labelledby={id} data-list={id}>
      <h2 id={id}>{title} <span class="badge" data-count>{num(rows.length)}</span></h2>
      {rows.length === 0 ? <p class="muted">{t('none')}</p> : (
        <>
          <button class="secondary" onClick={download}>CSV</button>
          <div class="table-wrap">
            <table>
              <thead><tr>{header.map((h) => <th scope="col" key={h.label}>{h.label}</th>)}</tr></thead>
              <tbody>{rows.map((r, i) => <tr key={i} data-row={header[0].key(r)}>{header.map((h) => <td key={h.label}>{h.cell ? h.cell(r) : h.text(r)}</td>)}</tr>)}</tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function ActionsPage({ unitId }) {
  const [state, setState] = useState({});
  useEffect(() => {
    let live = true;
    setState({});
    loadLists(unitId).then((data) => live && setState({ data }), (error) => live && setState({ error }));
    return () => { live = false; };
  }, [unitId]);
  if (state.error) return <main><Problem error={state.error} /></main>;
  if (!state.data) return <main><h1>{t('actions')}</h1><p>{t('loading')}</p></main>;
  const d = state.data;
  const cellLink = (c) => <a href={`/app/units/${encodeURIComponent(c.id)}`}>{c.name}</a>;
  const cellCols = [
    { label: t('unitName'), key: (c) => c.id, text: (c) => c.name, cell: cellLink },
    { label: t('parentUnit'), key: (c) => c.id, text: (c) => d.names[c.parentId] || c.parentId },
  ];
  const month = d.day.slice(0, 7);
  return (
    <main>
      <h1>{t('actions')} — {d.names[unitId]}</h1>
      <p class="muted">{t('asOf')} {when(d.day)}</p>
      <List id="no-meeting" file={`chua-sinh-hoat-${unitId}-${month}`} title={`${t('noMeetingThisMonth')} ${month.slice(5)}/${month.slice(0, 4)}`}
            header={cellCols} rows={d.noMeeting} />
      <List id="unrecorded" file={`chua-ghi-bien-ban-${unitId}-${d.day}`} title={`${t('notRecordedAfter')} ${num(d.recordDays)} ${t('days')}`}
            header={[
              { label: t('meeting'), key: (m) => m.id, text: (m) => `${d.names[m.cellId] || m.cellId} — ${when(m.startsAt)}`,
                cell: (m) => <a href={`/app/meetings/${encodeURIComponent(m.id)}`}>{d.names[m.cellId] || m.cellId} — {when(m.startsAt)}</a> },
              { label: t('description'), key: (m) => m.id, text: (m) => m.title },
            ]} rows={d.unrecorded} />
      {d.notVisited.map(({ level, cells }) => (
        <List key={level} id={`not-visited-${level}`} file={`chua-duoc-du-${level}-${unitId}-${d.day.slice(0, 4)}`}
              title={`${t('notVisitedThisYear')}: ${t(`level_${level}`)}`} header={cellCols} rows={cells} />
      ))}
      <List id="overdue-recs" file={`kien-nghi-qua-han-${unitId}-${d.day}`} title={t('overdueRecommendations')}
            header={[
              { label: t('recommendation'), key: (x) => x.rec.id, text: (x) => x.rec.text,
                cell: (x) => <a href={`/app/meetings/${encodeURIComponent(x.visit.meetingId)}`}>{x.rec.text}</a> },
              { label: t('unitName'), key: (x) => x.rec.id, text: (x) => d.names[x.visit.unitId] || x.visit.unitId },
              { label: t('dueOn'), key: (x) => x.rec.id, text: (x) => when(x.rec.dueOn) },
            ]} rows={d.overdueRecs} />
      <List id="plans" file={`ke-hoach-cho-duyet-${unitId}-${d.day}`} title={t('plansWaiting')}
            header={[
              { label: t('unitName'), key: (p) => `${p.cellId}-${p.year}`, text: (p) => d.names[p.cellId] || p.cellId,
                cell: (p) => <a href={`/app/units/${encodeURIComponent(p.cellId)}/plan/${p.year}`}>{d.names[p.cellId] || p.cellId}</a> },
              { label: t('yearLabel'), key: (p) => `${p.cellId}-${p.year}`, text: (p) => String(p.year) },
              { label: t('topics'), key: (p) => `${p.cellId}-${p.year}`, text: (p) => String((p.topics || []).length) },
            ]} rows={d.plans} />
      <List id="members-at-risk" file={`dang-vien-can-luu-y-${unitId}-${d.day.slice(0, 4)}`} title={t('membersAtRisk')}
            header={[
              { label: t('member'), key: (m) => m.memberId, text: (m) => m.memberName,
                cell: (m) => <a href={`/app/members/${encodeURIComponent(m.memberId)}`}>{m.memberName}</a> },
              { label: t('unitName'), key: (m) => m.memberId, text: (m) => m.cellName,
                cell: (m) => <a href={`/app/units/${encodeURIComponent(m.cellId)}`}>{m.cellName}</a> },
              { label: t('absenceRun'), key: (m) => m.memberId,
                text: (m) => (m.absentThreeRunning ? `${num(m.longestAbsenceRun)} (${when(m.runFrom)} – ${when(m.runTo)})` : '') },
              { label: t('unexcusedMonths'), key: (m) => m.memberId,
                text: (m) => (m.unexcusedThreeMonths ? (m.unexcusedMonths || []).map((x) => `${x.slice(5)}/${x.slice(0, 4)}`).join(', ') : '') },
            ]} rows={d.atRisk} />
    </main>
  );
}
